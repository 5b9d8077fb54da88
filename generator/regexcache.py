"""Compiled regular expressions kept between runs of `postrun`.

Python turns a regular expression into the code its C matcher runs in Python itself
(``re._parser`` and ``re._compiler``), and the libraries postrun starts with compile some 120
while they are imported: PyYAML's reader alone builds a class of most of Unicode, and
`platform`, Jinja2 and Python-Markdown compile dozens more. That is about a tenth of a rebuild
after one profile changed. The compiled code depends only on the pattern, its flags and the
Python that compiled it, so the command keeps it in the user's cache (beside the build
manifests) and hands it straight to the matcher next time:

- A pattern is looked up by its text and flags. The file is named for this Python and checked
  against its exact version, the matcher's format (``_sre.MAGIC``) and a checksum; a file that
  is missing, damaged or not this Python's is ignored and written afresh.
- The C matcher checks the code it is given, as it does for Python's own compiler; if it ever
  refuses a kept entry, the pattern is compiled the usual way and the entry dropped.
- The result is the same ``re.Pattern`` Python would make (equal to it: same pattern, flags and
  code); only the Python half of compiling is skipped. Patterns in debug mode and anything but
  a plain ``str`` or ``bytes`` pattern are compiled as usual.

Only the `postrun` command installs this (:func:`generator.process.main`); tests and programs
that import postrun compile their expressions as Python always does. The patterns are postrun's
and its libraries' own (none is made from a client's profile), and the file stays in the local
cache, never in a site.
"""

from __future__ import annotations

import atexit
import marshal
import os
import sys
import zlib
from collections.abc import Callable
from importlib import import_module
from typing import Any

from .usercache import keep_file

_compiler: Any = import_module("re._compiler")  # Python's own (private, so without type stubs)
_parser: Any = import_module("re._parser")
_sre: Any = import_module("_sre")

__all__ = ["install"]

LIMIT = 4096
"""Most patterns kept: far more than postrun compiles, a bound if something compiles many."""

_Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]
_VERSION = f"{sys.version}\0{_sre.MAGIC}\0{sys.implementation.cache_tag}"


def install(folder: str) -> None:
    """Look up compiled patterns in ``folder``'s kept file from now on, and keep there any
    compiled for the first time when the process ends."""
    name = f"regex-{sys.implementation.cache_tag}-{zlib.crc32(_VERSION.encode()):08x}.marshal"
    path = os.path.join(folder, name)  # one per Python: two installed never take turns
    known = _read(path)
    new: dict[tuple[str | bytes, int], _Entry] = {}
    _compiler.compile = _compile_from(known, new, _compiler.compile)
    atexit.register(_keep, path, known, new)


def _read(path: str) -> dict[tuple[str | bytes, int], _Entry]:
    try:
        with open(path, "rb") as f:
            data = f.read()
        if int.from_bytes(data[:4], "big") == zlib.crc32(data[4:]):
            version, entries = marshal.loads(data[4:])
            if version == _VERSION and isinstance(entries, dict):
                return entries
    except (OSError, EOFError, ValueError, TypeError):
        pass  # missing, damaged or not ours: patterns are compiled as usual
    return {}


def _compile_from(
    known: dict[tuple[str | bytes, int], _Entry],
    new: dict[tuple[str | bytes, int], _Entry],
    usual: Callable[..., Any],
) -> Callable[..., Any]:
    """``re._compiler.compile``, taking kept code where it has it."""

    def compile(p: Any, flags: int = 0) -> Any:
        kind = type(p)
        if (kind is not str and kind is not bytes) or flags & _compiler.SRE_FLAG_DEBUG:
            return usual(p, flags)
        key = (p, int(flags))
        entry = known.get(key)
        if entry is not None:
            try:
                return _sre.compile(p, *entry)
            except (RuntimeError, TypeError, ValueError):  # refused: compile it afresh
                known.pop(key, None)
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        state = parsed.state
        indexgroup: list[str | None] = [None] * state.groups
        for name, index in state.groupdict.items():
            indexgroup[index] = name
        entry = (int(flags | state.flags), [int(c) for c in code], state.groups - 1,
                 dict(state.groupdict), tuple(indexgroup))
        if len(known) + len(new) < LIMIT:
            new[key] = entry
        return _sre.compile(p, *entry)

    return compile


def _keep(path: str, known: dict[Any, _Entry], new: dict[Any, _Entry]) -> None:
    """Write the kept file with this run's new patterns (quietly skipped when it cannot be)."""
    if not new:
        return
    payload = marshal.dumps((_VERSION, {**known, **new}))
    keep_file(path, zlib.crc32(payload).to_bytes(4, "big") + payload)
