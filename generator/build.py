"""The build verb: load -> plan -> render -> write, for every client (or one)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import PostrunError, Problem, did_you_mean
from .load import load_workspace
from .models import Plan
from .plan import plan
from .render import Renderer
from .write import StagedDir, check_target


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
    files: int
    pages: int
    seconds: float
    out: Path
    warnings: tuple[Problem, ...]


Progress = Callable[[int, int], None]


def build(
    root: Path,
    out: Path | None = None,
    only: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every client's site into ``out`` (default ``root/site``), atomically."""
    started = time.perf_counter()
    workspace, problems = load_workspace(root)
    target = out if out is not None else root / "site"
    check_target(target, root)
    profiles = workspace.profiles
    if only is not None:
        profiles = tuple(p for p in profiles if only in (p.slug, Path(p.file).stem))
        if not profiles:
            slugs = [p.slug for p in workspace.profiles] + [
                Path(p.file).stem for p in workspace.profiles
            ]
            raise PostrunError(
                Problem(
                    "profiles/",
                    None,
                    "--only",
                    f"no client has the slug `{only}`",
                    did_you_mean(only, slugs) or "see `postrun list` for slugs",
                )
            )
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
    # Gather first: every plan is made before a byte is written.
    plans: list[Plan] = [plan(p, workspace.content.protocol, workspace.content) for p in profiles]
    renderer = Renderer(workspace, source_date())
    files = pages = 0
    if only is not None:
        staged = StagedDir(target / plans[0].profile.slug)
        with staged:
            files_of = renderer.client_files(plans[0])
            staged.write_all(sorted(files_of.items()))
            pages = sum(1 for name in files_of if name.endswith(".html"))
            staged.commit()
        files = staged.files
    else:
        staged = StagedDir(target)
        with staged:
            staged.write_all(sorted(renderer.root_files().items()))
            for done, client_plan in enumerate(plans, 1):
                files_of = renderer.client_files(client_plan)
                staged.write_all(sorted(files_of.items()), under=client_plan.profile.slug)
                pages += sum(1 for name in files_of if name.endswith(".html"))
                del files_of
                if progress is not None:
                    progress(done, len(plans))
            staged.commit()
        files = staged.files
    return BuildResult(
        len(plans), files, pages, time.perf_counter() - started, target, tuple(problems.warnings)
    )
