"""Measure every hostile input of issue 12 as a user meets it: wall time, peak memory
(resident set of the ``imft`` process) and exit code of ``imft validate``.

    python scripts/measure_hostile.py [--near-cap] [--keep DIR]

``--near-cap`` adds files just under the default limits (the slowest inputs that are
still read).  Files are generated in a temporary folder (about 1 GB with --near-cap).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

import hostile  # noqa: E402

_CLI = "import sys; from imft_desktop.cli import main; sys.exit(main())"


def run(*args: str, timeout: float = 300.0) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, last stderr line) of one ``imft`` run."""

    def cap() -> None:  # a runaway is stopped at 6 GB instead of taking the machine
        resource.setrlimit(resource.RLIMIT_AS, (6 * 1024**3, 6 * 1024**3))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", _CLI, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, preexec_fn=cap)
    assert proc.stderr is not None
    err = b""
    try:
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
    except KeyboardInterrupt:
        proc.kill()
        raise
    seconds = time.monotonic() - start
    last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return seconds, usage.ru_maxrss / 1024, code, last[0][:150]


def cases(tmp: Path, near_cap: bool) -> list[tuple[str, list[str]]]:
    out = [
        ("300 filler sheets (6.5 MB xlsx, 1.2 GB XML)",
         [str(hostile.many_sheets_xlsx(tmp / "many.xlsx"))]),
        ("60 filler sheets (1.3 MB xlsx, 240 MB XML)",
         [str(hostile.many_sheets_xlsx(tmp / "many60.xlsx", sheets=60))]),
        (".maf.gz unpacking to 1 GiB", [str(hostile.maf_gz_bomb(tmp / "bomb.maf.gz"))]),
        ("296 MB .seg", [str(hostile.big_seg(tmp / "big.seg"))]),
        ("formula filled to row 1,048,576 (cached empty text)",
         [str(hostile.formula_filled_xlsx(tmp / "formula.xlsx"))]),
        ("formula filled to row 1,048,576 (cached 0)",
         [str(hostile.formula_filled_xlsx(tmp / "formula0.xlsx", zero=True))]),
        ("CSV cell of 200,000 characters", [str(hostile.long_cell_csv(tmp / "long.csv"))]),
    ]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp / "pipe.maf")
        out.append(("named pipe called .maf", [str(tmp / "pipe.maf")]))
    if near_cap:
        out += [
            ("250 MB .seg (under the size cap)",
             [str(hostile.big_seg(tmp / "near.seg", 250 * 1024**2))]),
            (".maf.gz unpacking to 250 MB (under the unpacked cap)",
             [str(hostile.maf_gz_bomb(tmp / "near.maf.gz", 250 * 1024**2))]),
        ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--near-cap", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep the files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(args.keep or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        print(f"{'case':55} {'seconds':>8} {'peak MB':>8} {'exit':>4}  message")
        for label, argv in cases(tmp, args.near_cap):
            seconds, peak, code, last = run("validate", *argv)
            print(f"{label:55} {seconds:8.1f} {peak:8.0f} {code:4d}  {last}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
