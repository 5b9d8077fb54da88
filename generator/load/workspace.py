"""The whole workspace: every file kind loaded and validated together."""

from __future__ import annotations

from pathlib import Path

import msgspec

from ..errors import Problem, Problems
from ..models import (
    Content,
    Profile,
    ProfileRef,
    Workspace,
)
from .exercises import load_exercises
from .limits import plan_size_problem
from .markup import MarkdownRenderer
from .pages import load_pages
from .profile import iter_profiles
from .protocol import load_protocol
from .read import MAX_MEDIA_BYTES, Refused, read_input
from .secret import workspace_secret
from .site import load_site
from .translations import load_translations, with_translations


class LoadedContent(msgspec.Struct, frozen=True):
    """What a workspace's content/ loads to, with the warnings found on the way: an
    incremental build keeps it between runs (keyed by the content's fingerprint), so a
    one-profile rebuild does not parse every exercise and page again."""

    content: Content
    before: tuple[Problem, ...]
    """Warnings found before the profiles are read."""
    after: tuple[Problem, ...]
    """Warnings found after them (media, translations)."""


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
    workspace, problems, _ = load_workspace_reusing(root, stems, keep_profiles, None)
    return workspace, problems


def load_workspace_reusing(
    root: Path,
    stems: frozenset[str] | None,
    keep_profiles: bool,
    known: LoadedContent | None,
    *,
    names: list[str] | None = None,
    render: MarkdownRenderer | None = None,
) -> tuple[Workspace, Problems, LoadedContent]:
    """:func:`load_workspace`, reusing ``known`` content (same problems, same order) when
    given; also returns the content loaded, to be kept for the next build. ``names``: the
    profiles' file names when already listed; ``render``: the build's Markdown renderer."""
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
    render = MarkdownRenderer() if render is None else render
    if known is None:
        site = load_site(root, problems)
        exercises = load_exercises(root, problems, render)
        pages = load_pages(root, problems, render)
        broken = frozenset(
            p.stem for p in (root / "content/exercises").glob("*.md") if "." not in p.stem
        ) - set(exercises)
        protocol = load_protocol(root, problems, exercises, broken)
        too_large = None if protocol is None else plan_size_problem(protocol)
        if too_large is not None:
            problems.extend([too_large])
    else:
        problems.extend(known.before)
        protocol = known.content.protocol
    before = tuple(problems)
    secret = workspace_secret(root, problems)
    kept: list[Profile] = []
    refs: list[ProfileRef] = []
    for profile in iter_profiles(root, problems, protocol, render, secret, stems, names):
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
    if known is None:
        middle = len(problems)
        media = _media(root, problems)
        translated = load_translations(root, problems, render, exercises, pages, protocol)
        problems.raise_if_errors()
        assert site is not None and protocol is not None
        content = with_translations(Content(site, protocol, exercises, pages, media), translated)
        known = LoadedContent(content, before, tuple(problems)[middle:])
    else:
        problems.extend(known.after)
        problems.raise_if_errors()
    workspace = Workspace(root, known.content, profiles, tuple(refs), secret)
    return workspace, problems, known


def _media(root: Path, problems: Problems) -> tuple[str, ...]:
    """``media/…`` names of the pictures under content/media/ (regular files in the workspace)."""
    folder = root / "content" / "media"
    if not folder.is_dir():
        return ()
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        rel = path.relative_to(root).as_posix()
        try:
            read_input(path, rel, MAX_MEDIA_BYTES, check_only=True)
        except Refused as exc:
            problems.add(rel, None, None, exc.message, exc.hint)
            continue
        found.append(path.relative_to(root / "content").as_posix())
    return tuple(found)
