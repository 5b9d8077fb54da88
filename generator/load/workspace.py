"""The whole workspace: every file kind loaded and validated together."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..models import (
    Content,
    Profile,
    ProfileRef,
    Workspace,
)
from .exercises import load_exercises
from .markup import MarkdownRenderer
from .pages import load_pages
from .profile import iter_profiles
from .protocol import load_protocol
from .secret import workspace_secret
from .site import load_site


def load_workspace(
    root: Path, stems: frozenset[str] | None = None, keep_profiles: bool = True
) -> tuple[Workspace, Problems]:
    """Load and validate everything; raise one PostrunError listing every error found.

    With ``stems``, only those profiles are read (an incremental build knows the rest are
    unchanged since they last built cleanly). With ``keep_profiles`` false, profiles are
    validated one at a time and only their ``refs`` kept, so memory does not grow with the
    practice (a build reads each again when it renders it). Returns the workspace and the
    warnings.
    """
    problems = Problems()
    if not (root / "content").is_dir():
        problems.add(
            str(root),
            None,
            None,
            "this folder is not a postrun workspace (no content/ folder)",
            "run postrun in your workspace, pass -C DIR, or create one with `postrun init DIR`",
        )
        problems.raise_if_errors()
    render = MarkdownRenderer()
    site = load_site(root, problems)
    exercises = load_exercises(root, problems, render)
    pages = load_pages(root, problems, render)
    broken = frozenset(p.stem for p in (root / "content/exercises").glob("*.md")) - set(exercises)
    protocol = load_protocol(root, problems, exercises, broken)
    secret = workspace_secret(root, problems)
    kept: list[Profile] = []
    refs: list[ProfileRef] = []
    for profile in iter_profiles(root, problems, protocol, render, secret, stems):
        refs.append(ProfileRef(profile.file, profile.slug, profile.passphrase_env))
        if keep_profiles:
            kept.append(profile)
    profiles = tuple(kept)
    if stems is None and (not (root / "profiles").is_dir() or not refs) and not problems.errors:
        problems.add(
            "profiles/",
            None,
            None,
            "there are no client profiles yet",
            "add one with `postrun new SLUG`",
            "warning",
        )
    problems.raise_if_errors()
    media_dir = root / "content" / "media"
    media = (
        tuple(
            sorted(
                p.relative_to(root / "content").as_posix()
                for p in media_dir.rglob("*")
                if p.is_file()
            )
        )
        if media_dir.is_dir()
        else ()
    )
    assert site is not None and protocol is not None
    content = Content(site, protocol, exercises, pages, media)
    return Workspace(root, content, profiles, tuple(refs), secret), problems
