"""The checkin verb: log how a client is, in her profile, without touching anything else.

The profile is edited with ruamel.yaml's round-trip mode, so the coach's comments, field order,
quotes and layout stay exactly as she wrote them: only the new check-in lines are added. The
edited profile must pass the same validation as ``postrun check`` before it replaces the file
(written to a temporary file and renamed), so a failed check-in leaves the file untouched.

``--from-log`` reads the run log a client downloads from her site (``running-log.txt``): one
text line per logged run (``2026-12-02 Wed · stage 3 · pelvic heaviness or dragging``), or a
JSON block of entries (``{"date": …, "stage": …, "symptoms": [ids]}``) when the file has one.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from .errors import PostrunError, Problem, Problems, did_you_mean
from .load import (
    MarkdownRenderer,
    load_profile,
    load_workspace,
    profile_paths,
    read_mapping,
    read_text,
    slug_suffix,
)
from .models import Protocol, Workspace
from .yamltree import YMap, parse

NONE = "none"


class Entry(msgspec.Struct, frozen=True):
    """One check-in to log."""

    date: date
    symptoms: tuple[str, ...]
    note: str | None = None


class CheckinResult(msgspec.Struct, frozen=True):
    file: str
    name: str
    added: tuple[Entry, ...]
    skipped: tuple[Entry, ...]
    """Entries whose date already had a check-in (an import read twice adds nothing)."""

    def summary(self) -> str:
        if not self.added:
            return (
                f"Nothing to log for {self.name}: every run in the log is already in {self.file}."
            )
        lines = [
            f"Logged {len(self.added)} check-in{'s' if len(self.added) != 1 else ''} for "
            f"{self.name} in {self.file}:"
        ]
        for entry in self.added:
            said = ", ".join(entry.symptoms) if entry.symptoms else "no symptoms"
            lines.append(f"  {entry.date}  {said}")
        if self.skipped:
            lines.append(
                f"  ({len(self.skipped)} already logged, skipped: "
                f"{', '.join(str(e.date) for e in self.skipped)})"
            )
        lines.append("Run `postrun build` (or keep `postrun serve` running) to update her site.")
        return "\n".join(lines)


def parse_symptoms(text: str, protocol: Protocol) -> tuple[str, ...]:
    """``a,b`` or ``none`` → symptom ids; an unknown one is a problem with a did-you-mean."""
    known = [s.id for s in (*protocol.hold_symptoms, *protocol.stop_symptoms)]
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == [NONE]:
        return ()
    problems = Problems()
    if not words or NONE in words:
        problems.add(
            "--symptoms",
            None,
            "--symptoms",
            f"{text!r} mixes `none` with symptoms" if words else "no symptoms given",
            f"write `--symptoms none`, or symptoms separated by commas: {', '.join(known)}",
        )
    for word in words:
        if word != NONE and word not in known:
            near = did_you_mean(word, known)
            problems.add(
                "--symptoms",
                None,
                "--symptoms",
                f"`{word}` is not a symptom of your protocol",
                f"{near + ' ' if near else ''}known symptoms: {', '.join(known)}, or `none`",
            )
    problems.raise_if_errors()
    return tuple(dict.fromkeys(words))


def log_check_in(
    root: Path, who: str, day: date, symptoms: str, note: str | None, today: date
) -> CheckinResult:
    """Log one check-in (``symptoms``: ``a,b`` or ``none``) in the profile of ``who``."""
    workspace, _ = load_workspace(root, frozenset())
    entry = Entry(day, parse_symptoms(symptoms, workspace.content.protocol), note)
    return checkin(workspace, who, [entry], today)


def import_log(root: Path, who: str, log: Path, today: date) -> CheckinResult:
    """Log one check-in per run in the log file her site downloads (dates already logged are
    skipped, so importing a log twice adds nothing)."""
    workspace, _ = load_workspace(root, frozenset())
    return checkin(workspace, who, read_log(log, workspace.content.protocol), today)


def checkin(workspace: Workspace, who: str, entries: list[Entry], today: date) -> CheckinResult:
    """Append ``entries`` (skipping dates already logged) to the profile of ``who`` (her
    profile's file name without .yaml, or her full slug)."""
    root = workspace.root
    protocol = workspace.content.protocol
    path = find_profile(root, who, workspace.secret)
    rel = f"profiles/{path.name}"
    for entry in entries:
        if entry.date > today:
            raise PostrunError(
                Problem(
                    "--date",
                    None,
                    "--date",
                    f"{entry.date} is in the future (today is {today})",
                    "log a check-in on the day you talked to her, or earlier",
                )
            )
    problems = Problems()
    before = read_mapping(path, rel, problems)
    render = MarkdownRenderer()
    profile = (
        load_profile(before, path.stem, rel, problems, protocol, render, workspace.secret)
        if before is not None
        else None
    )
    if profile is None or problems.errors:
        problems.add(
            rel,
            None,
            None,
            "her profile must pass `postrun check` before a check-in is added",
            "fix the problems above, then log the check-in again",
        )
        raise PostrunError(list(problems))
    logged = {c.date for c in profile.check_ins}
    added: list[Entry] = []
    skipped: list[Entry] = []
    for entry in sorted(entries, key=lambda e: e.date):
        (skipped if entry.date in logged else added).append(entry)
        logged.add(entry.date)
    if added:
        text = _appended(path, rel, added)
        problems = Problems()
        data = parse(text, rel, problems)
        if isinstance(data, YMap):
            load_profile(data, path.stem, rel, problems, protocol, render, workspace.secret)
        if problems.errors:
            raise PostrunError([p for p in problems if p.severity == "error"])
        _replace(path, text)
    return CheckinResult(rel, profile.name, tuple(added), tuple(skipped))


def find_profile(root: Path, who: str, secret: bytes | None) -> Path:
    """The profile file of ``who``: a file name (``sam-rivera``) or a slug (with its suffix,
    or set with ``slug:``)."""
    paths = profile_paths(root)
    for path in paths:
        if who in (path.stem, path.name):
            return path
    for path in paths:
        stem = path.stem.lower()
        if secret is not None and who == f"{stem[:56]}-{slug_suffix(secret, stem)}":
            return path
    for path in paths:
        data = read_mapping(path, f"profiles/{path.name}", Problems())
        if data is not None and data.get("slug") == who:
            return path
    names = [p.stem for p in paths]
    raise PostrunError(
        Problem(
            "profiles/",
            None,
            "SLUG",
            f"no client is called `{who}`",
            did_you_mean(who, names) or "give her profile's file name, e.g. sam-rivera "
            "(`postrun list` shows every client)",
        )
    )


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    # Lists keep the indentation the coach used for her check-ins (``  - {…}`` in the
    # examples), so the new lines look like the old ones.
    match = re.search(r"^check_ins:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ ]*)- ", text, re.M)
    offset = len(match.group(1)) if match else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _appended(path: Path, rel: str, entries: list[Entry]) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    problems = Problems()
    text = read_text(path, rel, problems)
    problems.raise_if_errors()
    assert text is not None
    yaml = _yaml(text)
    try:
        data = yaml.load(text)
    except YAMLError as exc:  # pragma: no cover - the profile passed validation just before
        raise PostrunError(Problem(rel, None, None, f"cannot edit the file ({exc})")) from None
    items = data.get("check_ins")
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        data["check_ins"] = items
    for entry in entries:
        item = CommentedMap()
        item["date"] = entry.date
        symptoms = CommentedSeq(entry.symptoms)
        symptoms.fa.set_flow_style()
        item["symptoms"] = symptoms
        if entry.note:
            item["note"] = DoubleQuotedScalarString(entry.note)
        item.fa.set_flow_style()
        items.append(item)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _replace(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ her downloaded run log

_LINE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})\b[^·]*·\s*(?P<what>stage\s+(?P<stage>\d+)|[^·]*?)\s*·\s*"
    r"(?P<symptoms>.*?)\s*$"
)


def read_log(path: Path, protocol: Protocol) -> list[Entry]:
    """The runs in the log file her site downloads: its JSON block when it has one, else its
    text lines. Symptoms are given by the labels her site showed her (or by their ids)."""
    rel = str(path)
    problems = Problems()
    text = read_text(path, rel, problems)
    problems.raise_if_errors()
    assert text is not None
    entries = _json_entries(text, rel, protocol)
    if entries is None:
        entries = _text_entries(text, rel, protocol)
    if not entries:
        raise PostrunError(
            Problem(
                rel,
                None,
                None,
                "no logged runs found in this file",
                "use the file from “Download log” on her site (running-log.txt)",
            )
        )
    return entries


def _symptom_ids(protocol: Protocol) -> dict[str, str]:
    """Label or id (lower case) → id."""
    known: dict[str, str] = {}
    for symptom in (*protocol.hold_symptoms, *protocol.stop_symptoms):
        known[symptom.id.lower()] = symptom.id
        known[symptom.label.strip().lower()] = symptom.id
    return known


def _symptom(word: str, known: dict[str, str], rel: str, line: int | None) -> str:
    key = word.strip().lower()
    if key in known:
        return known[key]
    raise PostrunError(
        Problem(
            rel,
            line,
            None,
            f"`{word.strip()}` is not a symptom of your protocol",
            did_you_mean(key, known) or "the log may come from a site built with another "
            "protocol: log this run with `postrun checkin SLUG --symptoms …`",
        )
    )


def _text_entries(text: str, rel: str, protocol: Protocol) -> list[Entry]:
    known = _symptom_ids(protocol)
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line.strip())
        if match is None:
            continue
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            raise PostrunError(
                Problem(rel, number, None, f"{match['date']} is not a real date")
            ) from None
        said = match["symptoms"]
        symptoms: tuple[str, ...] = ()
        if said.lower() not in ("no symptoms", NONE, ""):
            symptoms = tuple(_symptom(w, known, rel, number) for w in said.split(";") if w.strip())
        entries.append(Entry(day, symptoms, _note(match["stage"])))
    return entries


def _json_entries(text: str, rel: str, protocol: Protocol) -> list[Entry] | None:
    """Entries from the first JSON object or list in the file (None when there is none)."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"^[ \t]*[\[{]", text, re.M):
        start = match.end() - 1
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(value, dict):
            value = next(
                (value[k] for k in ("entries", "log", "runs") if isinstance(value.get(k), list)),
                None,
            )
        if not isinstance(value, list):
            continue
        line = text[:start].count("\n") + 1
        known = _symptom_ids(protocol)
        entries: list[Entry] = []
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("symptoms"), list):
                continue
            try:
                day = date.fromisoformat(str(item.get("date")))
            except ValueError:
                raise PostrunError(
                    Problem(rel, line, None, f"{item.get('date')!r} is not a date like 2026-12-02")
                ) from None
            symptoms = tuple(_symptom(str(s), known, rel, line) for s in item["symptoms"])
            stage = item.get("stage")
            entries.append(Entry(day, symptoms, _note(str(stage) if stage else None)))
        return entries
    return None


def _note(stage: str | None) -> str:
    return f"from her run log (stage {stage})" if stage else "from her run log"
