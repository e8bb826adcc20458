"""ELF checks for the Linux bundle, shared by the PyInstaller spec and test-bundle.sh.

``python packaging/elf_check.py DIR`` lists every shared library under DIR that the
dynamic loader would refuse because a PT_LOAD segment lost its page alignment (what
``strip`` does to libraries whose headers patchelf rewrote, such as those auditwheel
vendors into a wheel's ``*.libs`` folder) and exits 1 if there is one.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path


def is_elf(path: Path) -> bool:
    """True for an ELF file (a shared library or executable)."""
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def has_debug_info(path: Path) -> bool:
    """True when a 64-bit ELF file has a ``.debug_info`` section."""
    with open(path, "rb") as f:
        head = f.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit ELF only
            return False
        end = "<" if head[5] == 1 else ">"
        (shoff,) = struct.unpack_from(end + "Q", head, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", head, 0x3A)
        if not shoff or shstrndx >= shnum:
            return False
        f.seek(shoff + shstrndx * shentsize)
        section = f.read(shentsize)
        offset, size = struct.unpack_from(end + "QQ", section, 0x18)
        f.seek(offset)
        return b".debug_info\x00" in f.read(size)


def load_segments_aligned(path: Path) -> bool:
    """True when every PT_LOAD segment of a 64-bit ELF file has ``p_offset`` congruent
    to ``p_vaddr`` modulo ``p_align``, as the dynamic loader requires (other files:
    True)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return True
    end = "<" if data[5] == 1 else ">"
    (phoff,) = struct.unpack_from(end + "Q", data, 0x20)
    phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
    for i in range(phnum):
        base = phoff + i * phentsize
        if base + 56 > len(data):
            return False
        p_type, _flags, offset, vaddr = struct.unpack_from(end + "IIQQ", data, base)
        (align,) = struct.unpack_from(end + "Q", data, base + 48)
        if p_type == 1 and align > 1 and offset % align != vaddr % align:
            return False
    return True


def misaligned(folder: Path) -> list[Path]:
    """Shared libraries under ``folder`` the loader would refuse."""
    return [p for p in sorted(folder.rglob("*.so*"))
            if p.is_file() and not p.is_symlink() and is_elf(p)
            and not load_segments_aligned(p)]


if __name__ == "__main__":
    bad = misaligned(Path(sys.argv[1]))
    for p in bad:
        sys.stderr.write(f"misaligned load segment: {p}\n")
    sys.exit(1 if bad else 0)
