"""The build verb: load -> plan -> render -> write, for every client (or one, or a shard).

Speed comes from the design, not from tricks:
- everything shared is done once per build (content parsed and Markdown rendered once,
  templates compiled once, assets read once): see :class:`~generator.render.Renderer`;
- clients are built in parallel worker processes that each write their own client's folder,
  and each client's files depend only on that client, so any number of workers gives the same
  bytes as one;
- an incremental build reads a manifest of input fingerprints: with the shared inputs
  unchanged, only profiles whose bytes changed are read, planned and rendered, and a file whose
  bytes did not change is hard-linked from the previous site instead of rewritten;
- memory stays flat: workers hold one client's plan and pages at a time.

Atomicity: the whole new site is written into a staging folder beside the target (unchanged
clients hard-linked from the previous site) and swapped in with one atomic exchange
(:mod:`.write`); a failure, or a kill, leaves the previous site as it was, and the next build
removes what a killed one left behind. Fingerprints and the manifest live in
:mod:`.incremental`.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import PostrunError, Problem, Problems, did_you_mean, environment_error
from .incremental import (
    build_lock,
    cache_dir,
    forget_manifest,
    manifest_path,
    profile_fingerprints,
    read_manifest,
    shared_fingerprint,
    write_manifest,
)
from .load import (
    SECRET_FILE,
    MarkdownRenderer,
    client_folders,
    guard_missing_secret,
    guard_moves,
    load_workspace,
    moved_clients,
    profile_paths,
    read_profile,
    same_client_files,
)
from .models import ProfileRef, Workspace
from .plan import plan
from .render import Renderer
from .write import SITE_MARKER, StagedDir, check_target, remove_leftovers, safe_relpath

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


@dataclass(frozen=True, slots=True)
class BuildResult:
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


def _render_client(index: int) -> tuple[str, str, int, int]:
    """Plan, render and write one client into the staging folder; (stem, slug, files, pages)."""
    workspace: Workspace = _WORK["workspace"]
    renderer: Renderer = _WORK["renderer"]
    staging: Path = _WORK["staging"]
    previous: Path | None = _WORK["previous"]
    ref: ProfileRef = _WORK["profiles"][index]
    if "markdown" not in _WORK:
        _WORK["markdown"] = MarkdownRenderer()
    content = workspace.content
    profile = read_profile(
        workspace.root, ref, content.protocol, _WORK["markdown"], workspace.secret
    )
    passphrase = _WORK["passphrases"][profile.slug] if profile.passphrase_env else None
    with renderer.template_errors():
        files = renderer.client_files(plan(profile, content.protocol, content), passphrase)
    folder = staging / profile.slug
    old = previous / profile.slug if previous is not None else None
    linked: dict[int, tuple[bytes, Path]] = _WORK.setdefault("linked", {})
    for rel in sorted(files):
        path = folder.joinpath(*safe_relpath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = files[rel]
        # Pages made once per build (exercises, guides, assets) are the very same bytes object
        # for every client: the first copy is written, the others are hard links to it.
        first = linked.get(id(data))
        if first is not None and first[0] is data:
            try:
                os.link(first[1], path)
                continue
            except OSError:
                pass
        if old is not None:
            before = old / rel
            try:
                if before.stat().st_size == len(data) and before.read_bytes() == data:
                    os.link(before, path)  # unchanged: not rewritten
                    continue
            except OSError:
                pass
        path.write_bytes(data)
        if renderer.is_shared(data):
            linked.setdefault(id(data), (data, path))
    pages = sum(1 for name in files if name.endswith(".html"))
    return Path(profile.file).stem, profile.slug, len(files), pages


def _chunks(count: int, jobs: int) -> list[list[int]]:
    size = max(1, min(16, count // (jobs * 4) or 1))
    return [list(range(i, min(count, i + size))) for i in range(0, count, size)]


def _render_all(
    count: int, jobs: int, progress: Progress | None
) -> Iterator[tuple[str, str, int, int]]:
    done = 0
    if jobs <= 1 or count < PARALLEL_MIN_CLIENTS:
        for index in range(count):
            yield _render_client(index)
            done += 1
            if progress is not None:
                progress(done, count)
        return
    context = multiprocessing.get_context("fork")
    # Workers share the parent's memory page by page until they write to it; the garbage
    # collector would write to every object it visits, so park what exists now out of its
    # reach and memory stays flat as the practice grows.
    gc.collect()
    gc.freeze()
    try:
        with context.Pool(jobs) as pool:
            for batch in pool.imap_unordered(_render_batch, _chunks(count, jobs)):
                yield from batch
                done += len(batch)
                if progress is not None:
                    progress(done, count)
    finally:
        gc.unfreeze()


def _render_batch(indexes: list[int]) -> list[tuple[str, str, int, int]]:
    return [_render_client(i) for i in indexes]


# ------------------------------------------------------------------ the build


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
    try:
        with build_lock(root, target):
            remove_leftovers(target)
            return _build(
                root, target, only, progress, jobs, shard, incremental,
                new_secret, guard, skip_locked,
            )
    except OSError as exc:
        error = environment_error(exc, "write the site")
        if error is exc:
            raise
        raise error from exc


def _build(
    root: Path,
    target: Path,
    only: str | None,
    progress: Progress | None,
    jobs: int | None,
    shard: tuple[int, int] | None,
    incremental: bool,
    new_secret: bool,
    guard: Path | None,
    skip_locked: bool,
) -> BuildResult:
    started = time.perf_counter()
    jobs = max(1, jobs or os.cpu_count() or 1)
    paths = profile_paths(root)
    twins = same_client_files(paths)
    if twins:
        raise PostrunError(twins)  # one stem, two files: the fingerprints would mix them up
    guarded = guard if guard is not None else target
    where = _shown(guarded, root)
    folders = client_folders(guarded)
    guard_missing_secret(root, folders, (p.stem for p in paths), where, new_secret)
    stamp = source_date()
    fingerprints = {s: h for s, h in profile_fingerprints(root).items() if in_shard(s, shard)}
    shared = shared_fingerprint(root, f"stamp={stamp}")
    manifest_file = manifest_path(root, target)
    manifest = read_manifest(manifest_file, target) if incremental and only is None else None
    full = (
        manifest is None
        or manifest.get("shared") != shared
        or manifest.get("shard") != (list(shard) if shard else None)
    )
    known: dict[str, dict[str, str]] = {} if full or manifest is None else manifest["clients"]
    if only is not None or full:
        changed = frozenset(fingerprints)
    else:
        changed = frozenset(
            s
            for s, h in fingerprints.items()
            if known.get(s, {}).get("hash") != h
            or known[s].get("key", "") != _key_mark(root, known[s].get("env"))
        )
    deleted = sorted(set(known) - set(fingerprints))
    if not full and not changed and not deleted and (root / "content").is_dir():
        return BuildResult(
            0, 0, 0, time.perf_counter() - started, target, (), unchanged=len(fingerprints)
        )

    # Gather: load and validate every input that changed before writing a byte.
    workspace, problems = load_workspace(
        root, None if full or only else changed, keep_profiles=False
    )
    profiles = tuple(p for p in workspace.refs if in_shard(p.stem, shard))
    if only is not None:
        profiles = _select(workspace, only)
        if not target.is_dir():
            raise PostrunError(
                Problem(
                    str(target),
                    None,
                    "--only",
                    "there is no site to update yet",
                    "run `postrun build` once without --only",
                )
            )
    _check_slugs_against(profiles, known, changed)
    moved: list[Problem] = []
    if full or only is not None:  # a changed secret always makes a full build
        moves = moved_clients(folders, {p.slug for p in workspace.refs}, (p.stem for p in paths))
        moved = guard_moves(moves, where, new_secret)
    skipped: list[Problem] | None = [] if skip_locked else None
    passphrases = read_passphrases(profiles, skipped)
    if skipped:
        left_out = {p.file for p in skipped}
        profiles = tuple(p for p in profiles if p.file not in left_out)
        moved.extend(skipped)
    renderer = Renderer(workspace, stamp, cache_dir() / "templates")
    root_files = renderer.root_files()

    target.parent.mkdir(parents=True, exist_ok=True)
    staged = StagedDir(target)
    with staged:
        _WORK.update(
            workspace=workspace,
            renderer=renderer,
            staging=staged.path,
            previous=None if full or not target.is_dir() else target,
            profiles=profiles,
            passphrases=passphrases,
        )
        try:
            results = list(_render_all(len(profiles), jobs, progress))
        finally:
            _WORK.clear()
        files = sum(r[2] for r in results)
        pages = sum(r[3] for r in results)
        envs = {Path(p.file).stem: p.passphrase_env for p in profiles if p.passphrase_env}
        built = {
            stem: {
                "hash": fingerprints.get(stem, ""),
                "slug": slug,
                **({"env": envs[stem], "key": _key_mark(root, envs[stem])} if stem in envs else {}),
            }
            for stem, slug, _, _ in results
        }
        if full and only is None:
            staged.write_all(sorted(root_files.items()))
            files += len(root_files)
            clients = built
        else:
            # The rest of the site is carried over as it is (hard links), so that the swap
            # below replaces the whole site at once. Only what this build still makes is
            # kept: the folder of a deleted profile, or the old folder of a client whose slug
            # changed, is left out.
            rebuilt = {slug for _, slug, _, _ in results}
            clients = {**{s: v for s, v in known.items() if s not in deleted}, **built}
            current = set(os.listdir(target))
            if only is None:
                wanted = {v["slug"] for v in clients.values()} | set(root_files) | {SITE_MARKER}
                current &= wanted
            staged.keep(sorted(current - rebuilt))
            if only is not None:
                clients = {}
        staged.commit()
    removed = {v["slug"] for v in known.values()} - {v["slug"] for v in clients.values()}
    if only is None:
        write_manifest(manifest_file, shared, clients, shard)
    else:
        forget_manifest(manifest_file)  # --only builds what it is told: start afresh next time
    return BuildResult(
        len(results),
        files,
        pages,
        time.perf_counter() - started,
        target,
        (*problems.warnings, *moved),
        unchanged=len(fingerprints) - len(changed) if not full else 0,
        removed=len(removed) if only is None else 0,
    )


def _shown(folder: Path, root: Path) -> str:
    """A folder as the coach knows it: ``site/`` inside the workspace, else its path."""
    try:
        return f"{folder.resolve().relative_to(root.resolve()).as_posix()}/"
    except ValueError:
        return f"{folder}/"


def _key_mark(root: Path, env: str | None) -> str:
    """Tells whether a protected client's passphrase changed, without storing anything that
    helps guess it: an HMAC keyed with the workspace's secret."""
    if env is None:
        return ""
    secret = root / SECRET_FILE
    key = secret.read_bytes() if secret.is_file() else b""
    value = os.environ.get(env, "").encode("utf-8", "surrogateescape")
    return hmac.new(key, env.encode("utf-8") + b"\0" + value, "sha256").hexdigest()


def read_passphrases(
    profiles: tuple[ProfileRef, ...], skip: list[Problem] | None = None
) -> dict[str, str]:
    """Each protected client's passphrase, from the environment (read here, at the edge).

    A missing or short passphrase is an error; with a ``skip`` list (the preview), it is put
    there and only that client is left out."""
    found: dict[str, str] = {}
    problems = Problems()
    for profile in profiles:
        name = profile.passphrase_env
        if name is None:
            continue
        value = os.environ.get(name, "")
        if not value:
            problems.add(
                profile.file,
                None,
                "passphrase_env",
                f"the environment variable {name} is not set",
                f"set it before building, e.g. `export {name}='…'`; it is never stored",
            )
        elif len(_trimmed(value)) < 8:
            problems.add(
                profile.file,
                None,
                "passphrase_env",
                f"the passphrase in {name} is shorter than 8 characters",
                "use four or more random words, e.g. 'maple tide orbit kettle'",
            )
        else:
            found[profile.slug] = value
    if skip is not None:
        skip.extend(
            Problem(p.file, p.line, p.field, p.message, p.hint, "warning") for p in problems
        )
        return found
    problems.raise_if_errors()
    return found


def _trimmed(passphrase: str) -> str:
    """The passphrase as it unlocks her site: spaces trimmed and collapsed (see encrypt)."""
    from .encrypt import normalize_passphrase

    try:
        return normalize_passphrase(passphrase).decode("utf-8")
    except UnicodeError:
        return ""


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
