"""The build verb: load -> plan -> render -> write, for every client (or one, or a shard).

Speed comes from the design, not from tricks:
- everything shared is done once per build (content parsed and Markdown rendered once,
  templates compiled once, assets read once): see :class:`~generator.render.Renderer`;
- clients are built in parallel worker processes that each write their own client's folder,
  and each client's files depend only on that client, so any number of workers gives the same
  bytes as one;
- an incremental build reads a manifest of input fingerprints (:mod:`.incremental`): with
  nothing changed it stops before loading anything; with the shared inputs unchanged, only
  profiles whose bytes changed are read, planned and rendered, and a file whose bytes did not
  change is hard-linked from the previous site instead of rewritten;
- memory stays flat: workers hold one client's plan and pages at a time.

Atomicity (:mod:`.write`): what a build makes is staged beside the target and put in place in
one atomic step: one client's folder when only that folder changes, else the whole site. A
failure, or a kill, leaves the previous site as it was, and the next build removes what a
killed one left behind.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from .errors import PostrunError, Problem, did_you_mean, environment_error
from .incremental import (
    Changes,
    build_lock,
    forget_manifest,
    key_mark,
    what_changed,
    write_manifest,
)
from .keptcontent import keep_content, read_content
from .load.paths import SECRET_FILE, profile_names, same_client_files, stem
from .usercache import cache_dir
from .write import SITE_MARKER, StagedDir, check_target, remove_leftovers

if TYPE_CHECKING:
    from .load.markup import MarkdownRenderer
    from .models import ProfileRef, Workspace
    from .render import Renderer

# Loading, planning and rendering are imported where they are first needed: a no-op build
# decides from the fingerprints alone and must not pay for YAML, Markdown or Jinja.

PARALLEL_MIN_CLIENTS = 24
"""Below this many clients, starting worker processes costs more than it saves."""


def source_date() -> datetime | None:
    """SOURCE_DATE_EPOCH as a UTC datetime, for reproducible timestamps (None when unset)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise PostrunError(
            Problem(
                "SOURCE_DATE_EPOCH",
                None,
                None,
                f"SOURCE_DATE_EPOCH must be whole seconds (got {value!r})",
                "unset it, or set it to e.g. 1767225600",
            )
        ) from None


class BuildResult(msgspec.Struct, frozen=True):
    clients: int
    """Clients whose site was (re)built."""
    files: int
    pages: int
    seconds: float
    out: Path
    warnings: tuple[Problem, ...]
    unchanged: int = 0
    """Clients left as they were (incremental build)."""
    removed: int = 0
    """Client folders removed because their profile is gone."""


Progress = Callable[[int, int], None]


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` -> (K, N), 1 <= K <= N."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise PostrunError(
            Problem(
                "--shard",
                None,
                "--shard",
                f"{text!r} is not a shard like 2/4",
                "give K/N with 1 <= K <= N",
            )
        )
    return k, n


def in_shard(stem: str, shard: tuple[int, int] | None) -> bool:
    """Stable share of clients: a client stays in its shard when others come and go."""
    if shard is None:
        return True
    k, n = shard
    return int.from_bytes(hashlib.sha256(stem.encode("utf-8")).digest()[:8], "big") % n == k - 1


# ------------------------------------------------------------------ rendering clients

# Set in the parent before worker processes fork, so workers inherit them without pickling.
_WORK: dict[str, Any] = {}

Built = tuple[str, str, int, int]
"""One client rendered: (profile stem, slug, files, pages)."""


def _render_client(index: int) -> Built:
    """Plan, render and write one client into the staging folder."""
    from .load import read_profile
    from .plan import plan
    from .write import SharedFiles, write_files

    workspace: Workspace = _WORK["workspace"]
    renderer: Renderer = _WORK["renderer"]
    previous: Path | None = _WORK["previous"]
    ref: ProfileRef = _WORK["profiles"][index]
    if "shared" not in _WORK:
        _WORK["shared"] = SharedFiles(renderer.is_shared)
    profile = _WORK["loaded"].get(ref.file)  # validated in this process a moment ago
    if profile is None:
        profile = read_profile(
            workspace.root, ref, workspace.content.protocol, _WORK["markdown"], workspace.secret
        )
    content = renderer.in_language(profile).content  # her language's exercises, pages, words
    passphrase = _WORK["passphrases"][profile.slug] if profile.passphrase_env else None
    with renderer.template_errors():
        her = renderer.speaks(profile)  # what her plan says to her, in her language
        files = renderer.client_files(plan(profile, content.protocol, content, her), passphrase)
    old = previous / profile.slug if previous is not None else None
    write_files(_WORK["staging"] / profile.slug, files, old, _WORK["shared"])
    pages = sum(1 for name in files if name.endswith(".html"))
    return Path(profile.file).stem, profile.slug, len(files), pages


def _chunks(count: int, jobs: int) -> list[list[int]]:
    """Clients in batches for the workers: up to 16 at a time (fewer hand-overs), smaller
    towards the end so the workers finish together rather than one waiting for another."""
    chunks: list[list[int]] = []
    start = 0
    while start < count:
        size = max(1, min(16, (count - start) // (jobs * 4)))
        chunks.append(list(range(start, start + size)))
        start += size
    return chunks


def _render_all(count: int, jobs: int, progress: Progress | None) -> Iterator[Built]:
    import gc

    many = count >= PARALLEL_MIN_CLIENTS
    collecting = gc.isenabled()  # `postrun` starts with the collector off (.process)
    if many:
        gc.enable()
        # What exists now (content, templates) lives as long as the build: park it out of the
        # garbage collector's reach, so its collections look only at a client's own objects.
        # Worker processes share the parent's memory page by page until they write to it, and
        # the collector would write to every object it visits: parked, memory stays flat too.
        gc.collect()
        gc.freeze()
    try:
        done = 0
        results = _in_workers(count, jobs) if many and jobs > 1 else _here(count)
        for batch in results:
            yield from batch
            done += len(batch)
            if progress is not None:
                progress(done, count)
    finally:
        if many:
            gc.unfreeze()
            if not collecting:
                gc.disable()


def _here(count: int) -> Iterator[list[Built]]:
    for index in range(count):
        yield [_render_client(index)]


def _in_workers(count: int, jobs: int) -> Iterator[list[Built]]:
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap_unordered(_render_batch, _chunks(count, jobs))


def _render_batch(indexes: list[int]) -> list[Built]:
    return [_render_client(i) for i in indexes]


# ------------------------------------------------------------------ the build


class _Request(msgspec.Struct, frozen=True):
    """What the coach asked for (see :func:`build`)."""

    root: Path
    target: Path
    only: str | None
    progress: Progress | None
    jobs: int
    shard: tuple[int, int] | None
    incremental: bool
    new_secret: bool
    guard: Path
    skip_locked: bool


def build(
    root: Path,
    out: Path | None = None,
    only: str | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    shard: tuple[int, int] | None = None,
    incremental: bool = True,
    new_secret: bool = False,
    guard: Path | None = None,
    skip_locked: bool = False,
) -> BuildResult:
    """Build the clients' sites into ``out`` (default ``root/site``), atomically.

    Clients already in ``guard`` (default: the target) keep their addresses: a lost or changed
    ``.postrun-secret`` stops the build, unless ``new_secret`` moves them knowingly. With
    ``skip_locked`` (the preview), a protected client whose passphrase is not set is left out
    with a warning instead of stopping the build."""
    target = out if out is not None else root / "site"
    check_target(target, root)
    request = _Request(
        root, target, only, progress, max(1, jobs or os.cpu_count() or 1), shard, incremental,
        new_secret, guard if guard is not None else target, skip_locked,
    )
    try:
        with build_lock(root, target):
            remove_leftovers(target)
            return _build(request)
    except OSError as exc:
        error = environment_error(exc, "write the site")
        if error is exc:
            raise
        raise error from exc


def _build(request: _Request) -> BuildResult:
    started = time.perf_counter()
    root, target, only = request.root, request.target, request.only
    names = _profile_files(request)
    stamp = source_date()
    changes = what_changed(
        root,
        target,
        names,
        shard=request.shard,
        stamp=f"stamp={stamp}",
        use_manifest=request.incremental and only is None,
        keep=None if request.shard is None else lambda name: in_shard(name, request.shard),
    )
    if changes.nothing and (root / "content").is_dir():
        if changes.settled:  # the site stays as it is; only what is known of the files grows
            write_manifest(
                changes.manifest, changes.shared, changes.known, request.shard,
                changes.marks, changes.shared_marks,
            )
        unchanged = len(changes.fingerprints)
        return BuildResult(0, 0, 0, time.perf_counter() - started, target, (), unchanged)

    # Gather: load and validate every input that changed before writing a byte.
    everyone = changes.full or only is not None
    from .load.markup import MarkdownRenderer
    from .load.workspace import load_workspace_reusing

    known = read_content(root, target, changes.shared)
    stems = None if everyone else changes.changed
    # A few clients are rendered in this process: the profiles validated now are kept for
    # it (not read and parsed again); many are read again one at a time by the workers, so
    # memory does not grow with the practice.
    few = (len(changes.fingerprints) if stems is None else len(stems)) < PARALLEL_MIN_CLIENTS
    markdown = MarkdownRenderer()
    workspace, problems, loaded = load_workspace_reusing(
        root, stems, few, known, names=names, render=markdown
    )
    if known is None:
        keep_content(root, target, changes.shared, loaded)
    profiles, passphrases, notes = _clients_to_build(request, workspace, changes, names)
    from .render import Renderer

    renderer = Renderer(workspace, stamp, cache_dir() / "templates")
    target.parent.mkdir(parents=True, exist_ok=True)
    with StagedDir(target) as staged:
        results = _render_into(
            staged, request, renderer, profiles, passphrases, changes.full, markdown
        )
        built = _manifest_entries(root, profiles, results, changes)
        clients = built if everyone else {**changes.kept(), **built}
        forget_manifest(changes.manifest)  # it only ever describes a site that is in place
        root_files = _put_in_place(
            staged,
            renderer.root_files(),
            {slug for _, slug, _, _ in results},
            whole=changes.full and only is None,
            keep_others=only is not None,
            clients=clients,
        )
    if only is None:
        write_manifest(
            changes.manifest,
            changes.shared,
            clients,
            request.shard,
            changes.marks,
            changes.shared_marks,
        )
    removed = {v["slug"] for v in changes.known.values()} - {v["slug"] for v in clients.values()}
    return BuildResult(
        len(results),
        sum(r[2] for r in results) + root_files,
        sum(r[3] for r in results),
        time.perf_counter() - started,
        target,
        (*problems.warnings, *notes),
        unchanged=len(changes.fingerprints) - len(changes.changed),
        removed=len(removed) if only is None else 0,
    )


def _profile_files(request: _Request) -> list[str]:
    """The profiles' file names, refused when two name one client; a lost secret is refused
    while the site holds clients whose addresses were made with it (only then is the site
    listed)."""
    names = profile_names(request.root)
    twins = same_client_files(names)
    if twins:
        raise PostrunError(twins)  # one stem, two files: the fingerprints would mix them up
    if not request.new_secret and not (request.root / SECRET_FILE).exists():
        from .load.secret import client_folders, guard_missing_secret

        where = _shown(request.guard, request.root)
        folders = client_folders(request.guard)
        guard_missing_secret(request.root, folders, map(stem, names), where, False)
    return names


def _clients_to_build(
    request: _Request, workspace: Workspace, changes: Changes, names: list[str]
) -> tuple[tuple[ProfileRef, ...], dict[str, str], list[Problem]]:
    """The clients this build renders, their passphrases, and warnings (moved addresses,
    protected clients left out of a preview)."""
    from .load.secret import client_folders, guard_moves, moved_clients
    from .passphrases import read_passphrases

    profiles = tuple(p for p in workspace.refs if in_shard(p.stem, request.shard))
    if request.only is not None:
        profiles = _select(workspace, request.only)
        if not request.target.is_dir():
            raise PostrunError(
                Problem(
                    str(request.target),
                    None,
                    "--only",
                    "there is no site to update yet",
                    "run `postrun build` once without --only",
                )
            )
    _check_slugs_against(profiles, changes.known, changes.changed)
    notes: list[Problem] = []
    if changes.full or request.only is not None:  # a changed secret always makes a full build
        folders = client_folders(request.guard)
        moves = moved_clients(folders, {p.slug for p in workspace.refs}, map(stem, names))
        notes = guard_moves(moves, _shown(request.guard, request.root), request.new_secret)
    skipped: list[Problem] | None = [] if request.skip_locked else None
    passphrases = read_passphrases(profiles, skipped)
    if skipped:
        left_out = {p.file for p in skipped}
        profiles = tuple(p for p in profiles if p.file not in left_out)
        notes.extend(skipped)
    return profiles, passphrases, notes


def _render_into(
    staged: StagedDir,
    request: _Request,
    renderer: Renderer,
    profiles: tuple[ProfileRef, ...],
    passphrases: dict[str, str],
    full: bool,
    markdown: MarkdownRenderer,
) -> list[Built]:
    """Render the clients into the staging folder (in worker processes when many)."""
    _WORK.update(
        workspace=renderer.workspace,
        loaded={p.file: p for p in renderer.workspace.profiles},
        markdown=markdown,
        renderer=renderer,
        staging=staged.path,
        previous=None if full or not request.target.is_dir() else request.target,
        profiles=profiles,
        passphrases=passphrases,
    )
    try:
        return list(_render_all(len(profiles), request.jobs, request.progress))
    finally:
        _WORK.clear()


def _manifest_entries(
    root: Path, profiles: tuple[ProfileRef, ...], results: list[Built], changes: Changes
) -> dict[str, dict[str, str]]:
    """What the manifest remembers of each client just built."""
    envs = {Path(p.file).stem: p.passphrase_env for p in profiles if p.passphrase_env}
    return {
        stem: {
            "hash": changes.fingerprints.get(stem, ""),
            "slug": slug,
            **({"env": envs[stem], "key": key_mark(root, envs[stem])} if stem in envs else {}),
        }
        for stem, slug, _, _ in results
    }


def _put_in_place(
    staged: StagedDir,
    root_files: dict[str, bytes],
    rebuilt: set[str],
    *,
    whole: bool,
    keep_others: bool,
    clients: dict[str, dict[str, str]],
) -> int:
    """Put what was staged in place in one atomic step; how many root files were written.

    After a ``whole`` build the staged site replaces the old one. Otherwise the folders of the
    ``rebuilt`` clients replace theirs, and a folder of nobody in ``clients`` is removed
    (unless ``keep_others``, for ``--only``): one client's folder is swapped alone, more
    than one make a whole new site, the rest of it hard-linked from the old one."""
    if whole:
        staged.write_all(sorted(root_files.items()))
        staged.commit()
        return len(root_files)
    current = set(os.listdir(staged.target))
    gone: set[str] = set()
    if not keep_others:
        wanted = {v["slug"] for v in clients.values()} | set(root_files) | {SITE_MARKER}
        gone = current - wanted
    touched = rebuilt | gone
    if len(touched) == 1:
        staged.swap_folder(touched.pop())  # the everyday case: one client's folder
    elif touched:
        staged.keep(sorted(current - touched))
        staged.commit()
    else:
        staged.discard()
    return 0


def _shown(folder: Path, root: Path) -> str:
    """A folder as the coach knows it: ``site/`` inside the workspace, else its path."""
    try:
        return f"{folder.resolve().relative_to(root.resolve()).as_posix()}/"
    except ValueError:
        return f"{folder}/"

def _select(workspace: Workspace, only: str) -> tuple[ProfileRef, ...]:
    chosen = tuple(p for p in workspace.refs if only in (p.slug, p.stem))
    if chosen:
        return chosen
    names = [p.slug for p in workspace.refs] + [p.stem for p in workspace.refs]
    raise PostrunError(
        Problem(
            "profiles/",
            None,
            "--only",
            f"no client has the slug `{only}`",
            did_you_mean(only, names) or "see `postrun list` for slugs",
        )
    )


def _check_slugs_against(
    profiles: tuple[ProfileRef, ...], known: dict[str, dict[str, str]], changed: frozenset[str]
) -> None:
    """A changed profile must not take the slug of an unchanged one (loaded ones are checked)."""
    taken = {v.get("slug"): stem for stem, v in known.items() if stem not in changed}
    for profile in profiles:
        stem = Path(profile.file).stem
        other = taken.get(profile.slug)
        if other is not None and other != stem:
            raise PostrunError(
                Problem(
                    profile.file,
                    None,
                    "slug",
                    f"the slug `{profile.slug}` is also used by profiles/{other}.yaml",
                    "each client needs her own slug: change one of them",
                )
            )
