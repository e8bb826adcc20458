"""The headless command line ``imft``: same model and analyses as the app, no Qt.

Each sub-command lives in its own module exposing ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``.  Exit codes: 0 success, 1 the
input has errors (validate) or the analysis could not be done, 2 the file cannot be
read or the call is wrong.  JSON outputs (``--json``) are a contract: keys are only
ever added, never renamed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from imft_desktop import __version__

#: Sub-command modules, in the order ``imft --help`` lists them.  A module that is not
#: present (yet) is skipped, so the command line never breaks on a partial install.
COMMANDS = (
    "validate",
    "info",
    "template",
    "summary",
    "survival",
    "response",
    "characteristics",
    "report",
    "export",
    "project",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imft",
        description="IMFT Desktop command line: validate and analyse tumour-cohort sheets.",
    )
    parser.add_argument("--version", action="version", version=f"imft {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"imft_desktop.cli.cmd_{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"imft_desktop.cli.cmd_{name}":
                continue
            raise
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        return report_failure(args.command, exc)


def report_failure(command: str, exc: BaseException) -> int:
    """Print one line for a failure no sub-command handled; returns exit code 2.

    Expected faults (a file that cannot be read, a full disk, a read-only folder) get
    their own message and remedy.  Anything else is a bug: its type is named but not its
    message, which may quote patient values; ``IMFT_DEBUG=1`` shows the traceback.
    """
    from imft_desktop.io.read.faults import describe_os_error
    from imft_desktop.io.read.raw import UnreadableFile

    if os.environ.get("IMFT_DEBUG"):
        traceback.print_exception(exc)
    if isinstance(exc, UnreadableFile):
        print(f"imft {command}: {exc.message}", file=sys.stderr)
    elif isinstance(exc, MemoryError):
        print(f"imft {command}: ran out of memory. Close other programs, or lower the "
              "reader limits (--max-cells, --max-file-mb).", file=sys.stderr)
    elif isinstance(exc, OSError):
        print(f"imft {command}: {describe_os_error(exc, action='complete the command')}",
              file=sys.stderr)
    else:
        print(f"imft {command}: internal error ({type(exc).__name__}); your input files "
              "were not changed. Run again with IMFT_DEBUG=1 for details and report it.",
              file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
