"""A seeded mutation fuzzer over the example workspace (issue #19).

Each case copies the example workspace with its built site, makes a few random edits to
profiles, protocol, exercises, pages, site.yaml or templates (wrong types, odd Unicode, huge
and deep values, YAML tags, anchors, duplicate keys, BOMs, invalid UTF-8, Markdown bombs,
files replaced by folders, FIFOs and links, reserved names, broken templates), then runs
``check``, ``build``, ``check``, ``build`` in a forked process and asserts:

- every answer is exit 0 or 1, never a traceback, a signal or a hang;
- after a failed build, site/ is byte-identical;
- nothing is written outside site/ (and postrun's cache), no leftover staging folder, and no
  byte of a file outside the workspace reaches the site;
- the second run gives the same answer as the first.

The default run is bounded to about 15 seconds (the first cases are always the same seeds);
``POSTRUN_FUZZ_CASES=500`` runs that many cases without a time bound, and
``POSTRUN_FUZZ_SEED=N`` starts at case N (to replay one).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import REPO

CASES = int(os.environ.get("POSTRUN_FUZZ_CASES", "0"))
FIRST_SEED = int(os.environ.get("POSTRUN_FUZZ_SEED", "0"))
BUDGET_SECONDS = 15.0
CASE_TIMEOUT = 120.0
"""A case that takes longer than this is a hang (a normal case takes one to a few seconds)."""
PASSPHRASE_ENV = "POSTRUN_FUZZ_PASS"

# ------------------------------------------------------------------ what the mutator writes

ODD_TEXT = [
    "",
    " ",
    "\u200b\u200e\u202e",
    "ä" * 3 + "\U0001f3c3" * 5,
    "\x00",
    "\x07bell",
    "a\rb",
    "line\u2028sep",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../etc/passwd",
    "{{ 7 * 7 }}",
    "x" * 5000,
    "x" * 300_000,
    "%s%n",
    "\ufeff",
    "~",
    "null",
    "yes",
    "0o777",
]
ODD_SCALARS = [
    "!!python/object/apply:os.system ['echo hacked']",
    "!!bool maybe",
    "!!timestamp soon",
    '!!int ""',
    "!!float x",
    "!!binary aGk=",
    "!!str 12",
    "!local x",
    "&anchor 5",
    "*anchor",
    "9999-10-01",
    "0001-01-01",
    "2026-02-30",
    "2026-10-01T10:00:00",
    "1e309",
    "-1",
    "0",
    "10" * 40,
    "1" * 5000,
    ".nan",
    "true",
    "null",
    "[]",
    "{}",
    "[" * 50 + "]" * 50,
    "[" * 30_000 + "]" * 30_000,
    "{a: {b: {c: [1, 2, {d: e}]}}}",
    '"unclosed',
    "'it''s'",
    "|\n  block\n  text",
    "a: b: c",
    "- - - x",
]
MARKDOWN_BOMBS = [
    "[" * 8000 + "](" * 8000,
    "1. " * 500,
    "- " * 500,
    "> " * 500,
    "*" * 20000,
    "<" * 20000,
    "`" * 20000,
    "[a " * 3000,
    "<script>alert(1)</script>\n<img src=x onerror=alert(1)>",
    "![x](https://tracker.example/x.png)",
    "| a |\n|---|\n" + "| x |\n" * 2000,
    "    code\n" * 2000,
    ("word " * 40 + "\n") * 2000,
]
TEMPLATE_BREAKS = [
    "{% if %}",
    "{{ undefined_var }}",
    "{{ 1/0 }}",
    "{{ 1 // 0 }}",
    "{% include 'nope.html' %}",
    "{% extends 'base.html' %}",
    "{% for x in 5 %}{% endfor %}",
    "{{ client.name.nope.deeper }}",
    "{% raw %}",
    "{#",
]


def _plain(paths: list[Path]) -> list[Path]:
    """Regular files only: an earlier edit may have made one a folder, a pipe or a link."""
    return sorted(p for p in paths if p.is_file() and not p.is_symlink())


def yaml_files(root: Path) -> list[Path]:
    return _plain([*root.glob("profiles/*.yaml"), *root.glob("content/*.yaml")])


def md_files(root: Path) -> list[Path]:
    return _plain([*root.glob("content/pages/*.md"), *root.glob("content/exercises/*.md")])


def templates(root: Path) -> list[Path]:
    return _plain(list(root.glob("templates/*.html")))


def any_file(root: Path) -> list[Path]:
    return yaml_files(root) + md_files(root) + templates(root)


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8", "surrogateescape").splitlines(keepends=True)


def _value_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")]


def m_scalar(rng: random.Random, root: Path, outside: Path) -> str:
    """A YAML value replaced with an odd one (in a .yaml file or in front matter)."""
    path = rng.choice(yaml_files(root) + md_files(root))
    lines = _lines(path)
    spots = _value_lines(lines)
    if not spots:
        return "no value lines"
    i = rng.choice(spots)
    key = lines[i].split(": ", 1)[0]
    value = rng.choice(ODD_SCALARS + [repr(t) if rng.random() < 0.5 else t for t in ODD_TEXT])
    lines[i] = f"{key}: {value}\n"
    path.write_text("".join(lines), "utf-8", "surrogateescape")
    return f"{path.name}:{i + 1} {key}: {value[:40]!r}"


def m_lines(rng: random.Random, root: Path, outside: Path) -> str:
    """A line deleted, duplicated or moved; a key duplicated; the file cut short."""
    path = rng.choice(any_file(root))
    lines = _lines(path)
    if not lines:
        return "empty"
    i = rng.randrange(len(lines))
    what = rng.choice(["delete", "duplicate", "move", "truncate", "indent", "tab", "crlf"])
    if what == "delete":
        del lines[i]
    elif what == "duplicate":
        lines.insert(i, lines[i])
    elif what == "move":
        lines.insert(rng.randrange(len(lines)), lines.pop(i))
    elif what == "truncate":
        text = "".join(lines)
        lines = [text[: rng.randrange(len(text) + 1)]]
    elif what == "indent":
        lines[i] = "   " + lines[i]
    elif what == "tab":
        lines[i] = "\t" + lines[i]
    else:
        lines = [line.replace("\n", "\r\n") for line in lines]
    path.write_text("".join(lines), "utf-8", "surrogateescape")
    return f"{what} {path.name}:{i + 1}"


def m_bytes(rng: random.Random, root: Path, outside: Path) -> str:
    """Raw bytes: a BOM, invalid UTF-8, NUL, a control character."""
    path = rng.choice(any_file(root))
    data = path.read_bytes()
    at = rng.randrange(len(data) + 1)
    insert = rng.choice(
        [b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\x00", b"\x1b[31m", b"\xed\xa0\x80"]
    )
    path.write_bytes(data[:at] + insert + data[at:])
    return f"bytes {insert!r} into {path.name}@{at}"


def m_markdown(rng: random.Random, root: Path, outside: Path) -> str:
    """A Markdown bomb in a page or exercise body, or in a coach's note."""
    bomb = rng.choice(MARKDOWN_BOMBS)
    if rng.random() < 0.3:
        path = rng.choice(_plain(list(root.glob("profiles/*.yaml"))))
        text = path.read_text("utf-8", "surrogateescape")
        note = "coach_note: |\n  " + bomb.replace("\n", "\n  ") + "\n"
        path.write_text(text + note, "utf-8", "surrogateescape")
    else:
        path = rng.choice(md_files(root))
        text = path.read_text("utf-8", "surrogateescape")
        path.write_text(text + "\n" + bomb + "\n", "utf-8", "surrogateescape")
    return f"markdown {bomb[:20]!r} into {path.name}"


def m_file_kind(rng: random.Random, root: Path, outside: Path) -> str:
    """An input replaced by a folder, a FIFO, a link (out, dangling, to a device) or removed,
    or a new file of the same kind added."""
    path = rng.choice([*any_file(root), root / "profiles/x.yaml", root / "content/pages/x.md"])
    what = rng.choice(
        ["folder", "fifo", "link-out", "dangling", "device", "delete", "empty", "huge", "copy"]
    )
    if what == "copy":
        if path.exists():
            shutil.copy(path, path.with_name("zz-" + path.name))
        return f"copy {path.name}"
    if path.exists() or path.is_symlink():
        path.unlink()
    if what == "folder":
        path.mkdir()
    elif what == "fifo":
        os.mkfifo(path)
    elif what == "link-out":
        path.symlink_to(outside)
    elif what == "dangling":
        path.symlink_to(path.with_name("missing-target"))
    elif what == "device":
        path.symlink_to("/dev/zero")
    elif what == "empty":
        path.write_bytes(b"")
    elif what == "huge":
        with path.open("wb") as f:
            f.truncate(1_000_001 + rng.randrange(10**9))
    return f"{what} {path.relative_to(root)}"


def base_profile(root: Path) -> Path:
    return _plain(list(root.glob("profiles/*.yaml")))[0]


def m_names(rng: random.Random, root: Path, outside: Path) -> str:
    """Names that collide with generated pages, odd file names, slugs and passphrases."""
    what = rng.choice(["reserved-page", "odd-name", "slug", "passphrase", "media", "image"])
    if what == "reserved-page":
        name = rng.choice(["week-01", "exercise-dead-bug", "index", "calendar", "404", "plan"])
        (root / f"content/pages/{name}.md").write_text("---\ntitle: Mine\n---\nText.\n", "utf-8")
        return f"page {name}"
    if what == "odd-name":
        name = rng.choice(["Ana Maria.yaml", "..yaml", "-x.yaml", "ä.yaml", "a" * 200 + ".yaml"])
        shutil.copy(base_profile(root), root / "profiles" / name)
        return f"profile {name[:30]}"
    profile = rng.choice(_plain(list(root.glob("profiles/*.yaml"))))
    text = profile.read_text("utf-8", "surrogateescape")
    if what == "slug":
        slug = rng.choice(["new-folder", "lena-okafor-83gqef", "../x", "a" * 70, "UPPER", ""])
        profile.write_text(text + f"slug: {slug}\n", "utf-8", "surrogateescape")
        return f"slug {slug[:20]}"
    if what == "passphrase":
        profile.write_text(text + f"passphrase_env: {PASSPHRASE_ENV}\n", "utf-8", "surrogateescape")
        return "passphrase"
    if what == "media":
        media = root / "content/media"
        media.mkdir(exist_ok=True)
        (media / "out.svg").symlink_to(outside)
        return "media link out"
    exercise = rng.choice(_plain(list(root.glob("content/exercises/*.md"))))
    image = rng.choice(["media/../protocol.yaml", "media/x.svg", "/etc/passwd", "media/./a"])
    lines = _lines(exercise)
    lines.insert(1, f"image: {image}\nimage_alt: a picture\n")
    exercise.write_text("".join(lines), "utf-8", "surrogateescape")
    return f"image {image}"


def m_template(rng: random.Random, root: Path, outside: Path) -> str:
    """A break in a template override."""
    path = rng.choice(templates(root))
    lines = _lines(path)
    i = rng.randrange(len(lines) + 1)
    lines.insert(i, rng.choice(TEMPLATE_BREAKS) + "\n")
    path.write_text("".join(lines), "utf-8", "surrogateescape")
    return f"template {path.name}:{i + 1}"


MUTATORS: list[Callable[[random.Random, Path, Path], str]] = [
    m_scalar,
    m_scalar,
    m_lines,
    m_bytes,
    m_markdown,
    m_file_kind,
    m_names,
    m_template,
]

# ------------------------------------------------------------------ one case, in a fork


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under ``folder`` (kind and bytes), without reading pipes or following links."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = Path(dirpath).relative_to(folder)
        dirnames[:] = [d for d in dirnames if (rel_dir / d).as_posix() not in skip]
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if rel in skip:
                continue
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[rel] = "dir"
            elif path.is_file():
                with path.open("rb") as f:
                    found[rel] = hashlib.sha256(f.read(2_000_000)).hexdigest()
            else:
                found[rel] = "special"
    return found


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=True)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "\nTraceback (in-process):\n" + "".join(
            traceback.format_exception(result.exception)
        )
    return result.exit_code, output


def run_case(seed: int, case: Path, base: Path) -> dict[str, Any]:
    """Mutate a copy of the example workspace and run postrun on it; the findings."""
    rng = random.Random(seed)
    root, outside, cache = case / "ws", case / "outside.txt", case / "cache"
    shutil.copytree(base, root, symlinks=True)
    canary = f"CANARY-{seed}-{rng.getrandbits(64):x}"
    outside.write_text(f"title: {canary}\nname: {canary}\n", "utf-8")
    os.environ["POSTRUN_CACHE_DIR"] = str(cache)
    os.environ[PASSPHRASE_ENV] = rng.choice(["maple tide orbit kettle", " " * 9, "short", ""])
    findings: dict[str, Any] = {"edits": [], "answers": []}
    if rng.random() < 0.3:
        # Incremental: the last build's manifest exists (keyed by this path), so the build
        # below updates the site instead of replacing it whole.
        invoke(root, "build", "-q")
    for _ in range(rng.randint(1, 3)):
        mutator = rng.choice(MUTATORS)
        try:
            findings["edits"].append(mutator(rng, root, outside))
        except IndexError:  # nothing left of the kind it edits
            findings["edits"].append(f"{mutator.__name__}: nothing to edit")
    before = snapshot(case, skip=("ws/site", "cache"))
    for step in ("check", "build", "check", "build"):
        site = snapshot(root / "site")
        code, output = invoke(root, step, *(["-q"] if step == "build" else []))
        findings["answers"].append((step, code, output[-3000:]))
        if step == "build" and code != 0 and snapshot(root / "site") != site:
            findings.setdefault("problems", []).append("site/ changed by a failed build")
    after = snapshot(case, skip=("ws/site", "cache"))
    if "ws/.postrun-secret" not in before:
        after.pop("ws/.postrun-secret", None)  # made on first use, as documented
    if after != before:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        findings.setdefault("problems", []).append(f"written outside site/: {changed[:5]}")
    for path in (root / "site").rglob("*") if (root / "site").is_dir() else []:
        if path.is_file() and canary.encode() in path.read_bytes():
            findings.setdefault("problems", []).append(f"outside bytes published: {path}")
    return findings


def _child(seed: int, case: Path, base: Path, conn: Connection) -> None:
    try:
        conn.send(run_case(seed, case, base))
    except BaseException as exc:  # the fuzzer's own failure, reported as a finding
        conn.send({"edits": [], "answers": [], "problems": [f"harness: {exc!r}"]})
    finally:
        conn.close()


def check_case(seed: int, tmp: Path, base: Path) -> list[str]:
    """Run one case in a forked process; the problems found (empty when all is well)."""
    case = tmp / f"case-{seed}"
    case.mkdir()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(seed, case, base, send))
    process.start()
    send.close()
    findings: dict[str, Any] | None = None
    if receive.poll(CASE_TIMEOUT):
        try:
            findings = receive.recv()
        except EOFError:
            findings = None
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
        return [f"seed {seed}: hang (no answer in {CASE_TIMEOUT:.0f} s)"]
    if findings is None:
        return [f"seed {seed}: the process died (exit {process.exitcode})"]
    problems = list(findings.get("problems", []))
    answers = findings["answers"]
    for step, code, output in answers:
        if code not in (0, 1):
            problems.append(f"{step} exit {code}: {output[-800:]}")
        if "Traceback" in output or "hit a bug" in output:
            problems.append(f"{step} traceback: {output[-800:]}")
    if len(answers) == 4:
        (_, c1, o1), (_, b1, _), (_, c2, o2), (_, b2, bo2) = answers
        if (c1, o1) != (c2, o2):
            problems.append(f"check answered differently twice: {o1[-300:]!r} / {o2[-300:]!r}")
        if b1 != b2:
            problems.append(f"build answered {b1} then {b2}: {bo2[-300:]!r}")
    shutil.rmtree(case, ignore_errors=True)
    return [f"seed {seed} {findings['edits']}: {p}" for p in problems]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace with its site built."""
    root = tmp_path_factory.mktemp("fuzz-base") / "ws"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "profiles", root / "profiles")
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    code, output = invoke(root, "build", "-q")
    assert code == 0, output
    return root


def test_fuzz_workspace(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    started = time.monotonic()
    problems: list[str] = []
    done = 0
    seed = FIRST_SEED
    while True:
        if CASES and done >= CASES:
            break
        if not CASES and done >= 3 and time.monotonic() - started > BUDGET_SECONDS:
            break
        problems += check_case(seed, tmp_path, base)
        done += 1
        seed += 1
    assert not problems, f"{len(problems)} problems in {done} cases:\n" + "\n".join(problems)
