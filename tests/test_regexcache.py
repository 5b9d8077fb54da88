"""Compiled regular expressions kept between runs (:mod:`generator.regexcache`): what the kept
code makes is the very pattern Python makes, the command keeps and reuses it, and a kept file
that is damaged, from another Python or refused is ignored."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
import warnings
import zlib
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import regexcache

from .conftest import Workspace

USUAL = regexcache._compiler.compile

TRICKY: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(?P<day>\d\d))?", 0),
    (r"^\s*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII),
    ("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", 0),
    (r"(?<=\bkm)\s+(\w+)(?(1)x|y)", re.IGNORECASE | re.MULTILINE),
    (r"""  (?P<key> [a-z_]+ )  \s* = \s*  (?P<value> .* )  # a setting""", re.VERBOSE),
    (rb"[\x80-\xff]+|(?P<nul>\x00)", 0),
    (r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)\11", re.DOTALL),
    (r"Ä+ß", re.IGNORECASE),
    (r"(?i:run)(?-i:WALK)", 0),
]


def kept_compile(known: dict[Any, Any] | None = None) -> tuple[Any, dict[Any, Any], dict[Any, Any]]:
    known = {} if known is None else known
    new: dict[Any, Any] = {}
    return regexcache._compile_from(known, new, USUAL), known, new


def same(ours: re.Pattern[Any], theirs: re.Pattern[Any]) -> None:
    assert ours == theirs  # a Pattern is equal to another with the same pattern, flags and code
    assert (ours.groups, ours.groupindex, ours.flags) == (
        theirs.groups, theirs.groupindex, theirs.flags
    )


def test_a_pattern_from_kept_code_is_the_one_python_compiles() -> None:
    compile_new, _, new = kept_compile()
    for pattern, flags in TRICKY:
        same(compile_new(pattern, flags), USUAL(pattern, flags))
    assert set(new) == set(TRICKY)
    kept = marshal.loads(marshal.dumps(new))  # as the file keeps them
    compile_kept, _, again = kept_compile(kept)
    for pattern, flags in TRICKY:
        same(compile_kept(pattern, flags), USUAL(pattern, flags))
    assert again == {}  # all found, none compiled afresh
    assert compile_kept(r"(?P<year>\d{4})", 0).match("2026").group("year") == "2026"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab()[]^$.*+?{}|\\-dws19:P<>=!#iI ", max_size=14),
       st.sampled_from([0, re.IGNORECASE, re.MULTILINE | re.DOTALL, re.VERBOSE, re.ASCII]))
def test_any_pattern_python_compiles_is_kept_and_made_again_exactly(text: str, flags: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # e.g. "possible nested set"
        try:
            expected = USUAL(text, flags)
        except (re.error, OverflowError, RecursionError):
            return  # not a pattern: nothing to keep
        compile_new, _, new = kept_compile()
        same(compile_new(text, flags), expected)
        compile_kept, _, again = kept_compile(marshal.loads(marshal.dumps(new)))
        same(compile_kept(text, flags), expected)
    assert again == {}


def test_a_kept_entry_the_matcher_refuses_is_dropped_and_compiled_afresh() -> None:
    compile_new, _, good = kept_compile()
    compile_new("x+", 0)
    flags, code, groups, groupindex, indexgroup = good[("x+", 0)]
    known = {("x+", 0): (flags, [999_999, *code], groups, groupindex, indexgroup)}
    compile_kept, known, new = kept_compile(known)
    same(compile_kept("x+", 0), USUAL("x+", 0))
    assert ("x+", 0) not in known
    assert new == good  # the good code is kept next time


def test_debug_patterns_and_parsed_ones_are_compiled_as_usual(capsys: Any) -> None:
    compile_new, _, new = kept_compile()
    compile_new("a|b", re.DEBUG)
    assert "LITERAL 97" in capsys.readouterr().out  # as Python shows it
    parsed = re._parser.parse("ab", 0)  # type: ignore[attr-defined]
    assert compile_new(parsed, 0).match("ab")
    assert new == {}


def test_no_more_than_the_limit_is_kept(monkeypatch: Any) -> None:
    monkeypatch.setattr(regexcache, "LIMIT", 3)
    compile_new, _, new = kept_compile({("kept", 0): (0, [1], 0, {}, ())})
    for index in range(5):
        assert compile_new(f"p{index}", 0).match(f"p{index}")
    assert list(new) == [("p0", 0), ("p1", 0)]


def postrun(
    root: Path, cache: Path, *args: str, before: str = ""
) -> subprocess.CompletedProcess[str]:
    """``postrun -C root ARGS`` as the shell runs it, with its cache in ``cache``."""
    code = (
        f"import sys\n{before}\nfrom generator.process import main\n"
        f"sys.argv = ['postrun', '-C', {str(root)!r}, *{args!r}]\nmain()\n"
    )
    env = {**os.environ, "POSTRUN_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False, env=env)


COUNT_PARSING = """
import atexit
from re import _parser
parsed = []
usual = _parser.parse
def parse(pattern, *rest):
    parsed.append(pattern)
    return usual(pattern, *rest)
_parser.parse = parse
atexit.register(lambda: print("parsed", len(parsed), parsed[:3]))
"""


def kept_file(cache: Path) -> Path:
    (path,) = cache.glob(f"regex-{sys.implementation.cache_tag}-*.marshal")
    return path


def entries(path: Path) -> dict[Any, Any]:
    """The kept patterns of a sound file of this Python's (the test fails otherwise)."""
    data = path.read_bytes()
    assert int.from_bytes(data[:4], "big") == zlib.crc32(data[4:])
    version, kept = marshal.loads(data[4:])
    assert version == regexcache._VERSION
    return kept  # type: ignore[no-any-return]


def test_the_command_keeps_the_patterns_it_compiles_and_takes_them_next_time(
    workspace: Workspace, tmp_path: Path
) -> None:
    root, cache = workspace(), tmp_path / "cache"
    first = postrun(root, cache, "build", before=COUNT_PARSING)
    assert first.returncode == 0, first.stderr
    assert int(first.stdout.split("parsed ")[1].split()[0]) > 50  # libraries compile on import
    kept = kept_file(cache).read_bytes()
    assert len(entries(kept_file(cache))) > 50
    (root / "profiles" / "sam-rivera.yaml").write_text(
        (root / "profiles" / "sam-rivera.yaml").read_text("utf-8") + "# seen again\n",
        "utf-8",
    )
    second = postrun(root, cache, "build", before=COUNT_PARSING)
    assert second.returncode == 0, second.stderr
    assert "Built 1 client" in second.stdout
    assert "parsed 0 []" in second.stdout  # every pattern came from the kept file
    assert kept_file(cache).read_bytes() == kept  # nothing new to keep


def test_a_damaged_or_foreign_kept_file_is_ignored_and_written_afresh(
    workspace: Workspace, tmp_path: Path
) -> None:
    root, cache = workspace(), tmp_path / "cache"
    assert postrun(root, cache, "build").returncode == 0
    good = kept_file(cache).read_bytes()
    payload = marshal.dumps(("Python 2.7", marshal.loads(good[4:])[1]))
    foreign = zlib.crc32(payload).to_bytes(4, "big") + payload
    for damaged in (good[:-9], good[:40] + bytes([good[40] ^ 1]) + good[41:], b"", foreign):
        kept_file(cache).write_bytes(damaged)
        (root / "profiles" / "sam-rivera.yaml").touch()
        done = postrun(root, cache, "build", "--clean")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Built 3 clients")
        assert len(entries(kept_file(cache))) > 50  # sound again, with what this run compiled


def test_an_unwritable_cache_costs_nothing_but_time(workspace: Workspace, tmp_path: Path) -> None:
    root = workspace()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = postrun(root, blocked, "build")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 3 clients")
    assert "Traceback" not in done.stderr
