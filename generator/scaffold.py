"""The init and new verbs: a fresh workspace, and a fresh client profile.

Both write from the field declarations (:mod:`generator.load.schema`): the JSON Schemas editors
use, the workspace README's field reference, and the commented profile template.
"""

from __future__ import annotations

import secrets
import shutil
import textwrap
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from . import __version__
from .errors import PostrunError, Problem, Problems
from .load import (
    SECRET_FILE,
    SLUG_RE,
    MarkdownRenderer,
    load_exercises,
    load_profile,
    load_protocol,
)
from .load.describe import SCHEMA_FOLDER, field_reference, json_schema_text
from .load.profile import (
    default_run_days,
    default_strength_days,
    max_runs_per_week,
    stale_start,
)
from .load.schema import PROFILE, SCHEMAS, Spec
from .models import WEEKDAYS, Profile, Protocol
from .yamltree import YMap, parse

SKELETON = Path(__file__).resolve().parent / "skeleton"
EXAMPLE_PROFILE = "sam-rivera.yaml"
NEW_FIELDS = (
    "name",
    "delivery_date",
    "delivery",
    "clearance_date",
    "start_date",
    "level",
    "runs_per_week",
)
"""The profile fields ``postrun new`` takes as options."""
ASKED = ("name", "delivery_date", "delivery", "clearance_date", "level", "runs_per_week")
"""The ones it asks for in a terminal, in this order."""


def defaults_dir() -> Path:
    """The default workspace shipped with postrun: inside the wheel, or this repository."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults"
    return packaged if (packaged / "content").is_dir() else here.parent


def schema_line(kind: str, rel: str) -> str:
    """The first line that lets editors (VS Code's YAML extension and others) check a file
    against its schema; ``rel`` is the file's path in the workspace."""
    up = "../" * (rel.count("/"))
    return f"# yaml-language-server: $schema={up}{SCHEMA_FOLDER}/{kind}.json\n"


def write_schemas(root: Path) -> list[str]:
    """The JSON Schema of every file kind, in ``.postrun/schema/``."""
    folder = root / SCHEMA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        (folder / f"{kind}.json").write_text(json_schema_text(kind), "utf-8")
        written.append(f"{SCHEMA_FOLDER}/{kind}.json")
    return written


def init_workspace(target: Path, language: str | None = None) -> list[str]:
    """Create a workspace in ``target`` (missing or empty); returns what was written.
    ``language`` (a tag postrun speaks) is written as the practice's language in site.yaml."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PostrunError(
            Problem(
                str(target),
                None,
                None,
                "the folder is not empty",
                "choose a new folder name; postrun init never overwrites anything",
            )
        )
    source = defaults_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "content", target / "content")
    shutil.copytree(source / "templates", target / "templates")
    (target / "profiles").mkdir()
    shutil.copy(SKELETON / "gitignore", target / ".gitignore")
    write_schemas(target)
    for kind, rel, src in (
        ("profile", f"profiles/{EXAMPLE_PROFILE}", source / "profiles" / EXAMPLE_PROFILE),
        ("site", "content/site.yaml", source / "content" / "site.yaml"),
        ("protocol", "content/protocol.yaml", source / "content" / "protocol.yaml"),
    ):
        text = src.read_text("utf-8")
        if kind == "site" and language is not None:
            text = _with_language(text, language)
        (target / rel).write_text(schema_line(kind, rel) + text, "utf-8")
    for path in sorted((source / "content").glob("protocol.*.yaml")):
        rel = f"content/{path.name}"
        text = path.read_text("utf-8")
        (target / rel).write_text(schema_line("protocol-texts", rel) + text, "utf-8")
    readme = (SKELETON / "README.md").read_text("utf-8")
    reference = f"{readme}\n## Field reference\n\n{field_reference()}"
    (target / "README.md").write_text(reference, "utf-8")
    (target / SECRET_FILE).write_text(secrets.token_hex(32) + "\n", "utf-8")
    workflow = target / ".github" / "workflows" / "pages.yml"
    workflow.parent.mkdir(parents=True)
    text = (SKELETON / "pages.yml").read_text("utf-8").replace("@VERSION@", __version__)
    workflow.write_text(text, "utf-8")
    return [
        "content/",
        "templates/",
        f"profiles/{EXAMPLE_PROFILE}",
        f"{SCHEMA_FOLDER}/",
        ".gitignore",
        "README.md",
        ".github/workflows/pages.yml",
    ]


def _with_language(site_text: str, language: str) -> str:
    """site.yaml's text with ``language: TAG`` (its own line replaced, or one added)."""
    lines = site_text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("language:"):
            lines[i] = f"language: {language}\n"
            return "".join(lines)
    return site_text.rstrip("\n") + f"\nlanguage: {language}\n"


class ProfileDraft:
    """A new client's profile as ``postrun new`` builds it: values written as YAML text, checked
    by the loader itself (the same rules and messages as ``postrun check``)."""

    def __init__(self, root: Path, slug: str) -> None:
        self.root, self.slug = root, slug
        self.rel = f"profiles/{slug}.yaml"
        _refuse_slug(root, slug)
        problems = Problems()
        self.render = MarkdownRenderer()
        self.protocol: Protocol | None = load_protocol(
            root, problems, load_exercises(root, problems, self.render)
        )
        problems.raise_if_errors()

    @property
    def max_runs(self) -> int:
        return max_runs_per_week(self.protocol)

    def default(self, name: str) -> str | None:
        """The value the loader takes when the field is left out, as a prompt offers it."""
        if name == "runs_per_week":
            return str(min(3, self.max_runs))
        spec = PROFILE.field(name)
        return None if spec.default is None else str(spec.default)

    def text(self, values: Mapping[str, str]) -> str:
        """The commented profile: what the coach gave, every other field commented out."""
        return profile_text(values, self.protocol, schema_line("profile", self.rel), self.slug)

    def check(self, values: Mapping[str, str]) -> tuple[Problems, Profile | None]:
        problems = Problems()
        data = parse(self.text(values), self.rel, problems)
        profile = None
        if isinstance(data, YMap):
            profile = load_profile(data, self.slug, self.rel, problems, self.protocol, self.render)
        return problems, profile

    def problems_with(self, name: str, values: Mapping[str, str]) -> list[Problem]:
        """The errors about one field, given the answers so far (e.g. a clearance date before
        the delivery date), so a question can be asked again at once."""
        problems, _ = self.check(values)
        return [p for p in problems.errors if p.field == name]

    def write(self, values: Mapping[str, str], today: date) -> tuple[Path, list[Problem]]:
        """Write the profile (never over another); refuses one that fails check. Returns the
        path and the warnings (e.g. a plan that started weeks ago)."""
        _refuse_slug(self.root, self.slug)
        problems, profile = self.check(values)
        problems.raise_if_errors()
        assert profile is not None
        path = self.root / self.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (self.root / SCHEMA_FOLDER / "profile.json").is_file():
            write_schemas(self.root)  # a workspace older than the schemas: its first line works
        path.write_text(self.text(values), "utf-8")
        warnings = list(problems.warnings)
        stale = stale_start(profile, today)
        if stale is not None:
            warnings.append(stale)
        return path, warnings


def _refuse_slug(root: Path, slug: str) -> None:
    if not SLUG_RE.fullmatch(slug):
        raise PostrunError(
            Problem(
                "profiles/",
                None,
                "SLUG",
                f"{slug!r} is not a usable slug",
                "use lower-case letters, digits and dashes, e.g. sam-rivera",
            )
        )
    path = root / "profiles" / f"{slug}.yaml"
    if path.exists() or path.with_suffix(".yml").exists():
        raise PostrunError(
            Problem(
                f"profiles/{slug}.yaml",
                None,
                None,
                "this profile already exists",
                "edit it, or choose another slug; postrun new never overwrites",
            )
        )


def yaml_value(name: str, value: object) -> str:
    """A value as written in a profile (names quoted, dates YYYY-MM-DD)."""
    if isinstance(value, date):
        return value.isoformat()
    if PROFILE.field(name).kind == "text":
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def profile_text(
    values: Mapping[str, str], protocol: Protocol | None, first_line: str = "", slug: str = ""
) -> str:
    """Every profile field in the README's order, with its help as a comment: the values given
    are written, every other field is commented out with its default or an example."""
    lines = [
        first_line.rstrip("\n"),
        "# Client profile: every field is explained in README.md (\"Profile fields\").",
        "# A line starting with # is switched off: remove the # to use it.",
    ]
    runs = int(values.get("runs_per_week", min(3, max_runs_per_week(protocol))))
    run_days = default_run_days(runs)
    shown = {
        "slug": slug,
        "start_date": values.get("clearance_date", ""),
        "runs_per_week": str(runs),
        "run_days": _days(run_days),
        "strength_days": _days(default_strength_days(run_days, protocol)),
        "passphrase_env": f"{slug.upper().replace('-', '_')}_PASSPHRASE" if slug else "",
    }
    for spec in PROFILE.fields:
        lines.extend(textwrap.wrap(_help(spec), 96, initial_indent="# ", subsequent_indent="# "))
        if spec.name in values:
            lines.append(f"{spec.name}: {values[spec.name]}")
        else:
            example = shown.get(spec.name) or _example(spec)
            lines.extend(f"# {line}".rstrip() for line in f"{spec.name}: {example}".splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def _days(days: tuple[int, ...]) -> str:
    return "[" + ", ".join(WEEKDAYS[d] for d in days) + "]"


def _help(spec: Spec) -> str:
    if spec.kind == "choice":
        return f"{spec.help} {' | '.join(spec.choices)}"
    if spec.default_doc:
        return f"{spec.help} Default: {spec.default_doc.replace('`', '')}."
    return spec.help


def _example(spec: Spec) -> str:
    if spec.example:
        return spec.example
    if spec.kind == "boolean":
        return str(bool(spec.default)).lower()
    if spec.default is not None:
        return str(spec.default)
    return "YYYY-MM-DD" if spec.kind == "date" else "…"
