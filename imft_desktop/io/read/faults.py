"""Expected operating-system failures as one line a user can act on.

A disk that is full, a folder you may not write to, a path Windows finds too long, a
file another program holds: these are not bugs, so they are told as one sentence naming
the file (its name only: full paths often contain patient names) and what to do, never
as a stack trace.  Used by the command line and the window alike.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import PurePath

#: errno -> (what happened, what to do)
_REMEDIES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space or choose another drive"),
    errno.EDQUOT: ("your disk quota is used up", "free some space or choose another drive"),
    errno.EACCES: ("permission denied", "choose a folder you can write to, or ask IT"),
    errno.EPERM: ("the operation is not permitted", "choose another folder"),
    errno.EROFS: ("the drive is read-only", "choose a folder on a writable drive"),
    errno.ENAMETOOLONG: ("the path is too long", "choose a shorter file name or folder"),
    errno.ENOENT: ("the file or folder does not exist", "check the name and folder"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("it is a folder, not a file", "give a file name"),
    errno.EEXIST: ("it already exists", "choose another name"),
    errno.EIO: ("the drive reported an input/output error", "check the drive or cable"),
    errno.EBUSY: ("the file is busy", "close it in the other program and try again"),
    errno.ETXTBSY: ("the file is busy", "close it in the other program and try again"),
    errno.EMFILE: ("too many files are open", "close some programs and try again"),
}


#: The temporary file of an atomic save, ``.NAME.random.tmp``: name the real target.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[^.]+\.tmp$")


def file_label(path: str | os.PathLike[str] | None) -> str:
    """The file's name only (no folders: they may hold patient names)."""
    if path is None:
        return "the file"
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    name = PurePath(text).name or text
    temp = _TEMP_NAME.match(name)
    return temp.group("name") if temp else name


def describe_os_error(exc: OSError, path: str | os.PathLike[str] | None = None,
                      action: str = "save") -> str:
    """One line: ``Could not save "x.xlsx": the disk is full. Free some space ...``.

    Messages the app itself composed (``FileLockedError``, ``ReadOnlyTargetError``) are
    kept as they are; a system error is described from its ``errno``.
    """
    own = getattr(exc, "path", None)
    if own is not None and exc.args and isinstance(exc.args[-1], str) and not exc.filename:
        return exc.args[-1]
    name = file_label(path if path is not None else exc.filename)
    what, remedy = _REMEDIES.get(exc.errno or -1, (
        (exc.strerror or type(exc).__name__).rstrip(".").lower(),
        "check the file and folder and try again",
    ))
    if getattr(exc, "winerror", None) == 206:  # Windows: filename or extension too long
        what, remedy = _REMEDIES[errno.ENAMETOOLONG]
    return f'Could not {action} "{name}": {what}. {remedy[0].upper()}{remedy[1:]}.'
