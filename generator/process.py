"""`postrun` as a process of its own: how it starts and how it ends.

Three costs a short command need not pay (together nearly a fifth of a one-profile rebuild at
1,000 clients):

- Regular expressions that postrun and its libraries compile are taken ready-made from the
  user's cache after the first run (:mod:`.regexcache`).

- The cycle collector is off while postrun starts and works: imports and one client's pages
  make next to no cyclic garbage, yet the collector would walk every object made so far, again
  and again. A build of many clients (``build._render_all``) and `serve` turn it back on.
- When the command is done, exit handlers run and output is flushed, then the process ends
  without the interpreter taking every object apart one by one (every file postrun writes is
  closed by then).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Callable


def main() -> None:
    """The `postrun` command as the shell runs it."""
    from .regexcache import install
    from .usercache import cache_folder

    install(cache_folder())  # before the libraries are imported: they compile on import
    from .cli import cli

    run_to_the_end(lambda: cli.main(prog_name="postrun"))


def run_to_the_end(command: Callable[[], object]) -> None:
    """Run ``command`` (which ends with ``SystemExit``, as click does) and end the process
    with its status. Anything else it raises is left to Python, traceback and all."""
    gc.disable()
    try:
        command()
    except SystemExit as done:
        status = exit_status(done.code)
    else:
        status = 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 1  # e.g. the output was piped to a program that quit
    os._exit(status)


def exit_status(code: object) -> int:
    """The process's status for ``sys.exit(code)``, as Python would give it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
