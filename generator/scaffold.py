"""The init and new verbs: a fresh workspace, and a fresh client profile."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
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
from .yamltree import YMap, parse

SKELETON = Path(__file__).resolve().parent / "skeleton"
EXAMPLE_PROFILE = "sam-rivera.yaml"


def defaults_dir() -> Path:
    """The default workspace shipped with postrun: inside the wheel, or this repository."""
    here = Path(__file__).resolve().parent
    packaged = here / "defaults"
    return packaged if (packaged / "content").is_dir() else here.parent


def init_workspace(target: Path) -> list[str]:
    """Create a workspace in ``target`` (missing or empty); returns what was written."""
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
    shutil.copy(source / "profiles" / EXAMPLE_PROFILE, target / "profiles" / EXAMPLE_PROFILE)
    shutil.copy(SKELETON / "gitignore", target / ".gitignore")
    shutil.copy(SKELETON / "README.md", target / "README.md")
    (target / SECRET_FILE).write_text(secrets.token_hex(32) + "\n", "utf-8")
    workflow = target / ".github" / "workflows" / "pages.yml"
    workflow.parent.mkdir(parents=True)
    text = (SKELETON / "pages.yml").read_text("utf-8").replace("@VERSION@", __version__)
    workflow.write_text(text, "utf-8")
    return [
        "content/",
        "templates/",
        f"profiles/{EXAMPLE_PROFILE}",
        ".gitignore",
        "README.md",
        ".github/workflows/pages.yml",
    ]


@dataclass(frozen=True, slots=True)
class NewProfile:
    name: str
    delivery_date: date
    delivery: str
    clearance_date: date
    level: str
    runs_per_week: int


_DAYS = {1: "[sat]", 2: "[tue, sat]", 3: "[tue, thu, sat]"}
_STRENGTH = {1: "[mon, wed, fri]", 2: "[mon, thu, fri]", 3: "[mon, wed, fri]"}


def profile_text(values: NewProfile) -> str:
    """A commented profile a coach can read and extend."""
    name = values.name.replace("\\", "\\\\").replace('"', '\\"')
    return f"""\
# Client profile. Every field is explained in the README ("Profile fields").
name: "{name}"
delivery_date: {values.delivery_date.isoformat()}
delivery: {values.delivery}              # vaginal | assisted | caesarean
# injuries_healed_date: YYYY-MM-DD     # when a tear or caesarean wound was signed off
clearance_date: {values.clearance_date.isoformat()}   # medical clearance from her birth provider
# start_date: YYYY-MM-DD               # default: the clearance date
level: {values.level}                # beginner | intermediate
runs_per_week: {values.runs_per_week}                   # 1 to 3, at least 48 hours apart
run_days: {_DAYS[values.runs_per_week]}
strength_days: {_STRENGTH[values.runs_per_week]}
breastfeeding: false
# goal: {{label: "parkrun 5 km", date: YYYY-MM-DD}}
# check_ins:                           # your log after each conversation
#   - {{date: YYYY-MM-DD, symptoms: [], note: "felt strong"}}
# coach_note: |
#   A few words for her overview page (Markdown).
"""


def new_profile(root: Path, slug: str, values: NewProfile) -> Path:
    """Write ``profiles/SLUG.yaml``; refuses to overwrite and refuses a profile that fails check."""
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
    text = profile_text(values)
    rel = f"profiles/{slug}.yaml"
    problems = Problems()
    render = MarkdownRenderer()
    protocol = load_protocol(root, problems, load_exercises(root, problems, render))
    data = parse(text, rel, problems)
    if isinstance(data, YMap):
        load_profile(data, slug, rel, problems, protocol, render)
    problems.raise_if_errors()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path
