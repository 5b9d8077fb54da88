"""The `postrun` command: thin wiring from options to one function of each stage."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import PostrunError, Problem, Problems
from .load import load_workspace
from .plan import plan

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass(slots=True)
class Options:
    root: Path
    debug: bool


class BugError(click.ClickException):
    """Something went wrong inside postrun itself (not in the coach's files)."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if isinstance(ctx.obj, Options) and ctx.obj.debug:
                raise
            raise BugError(
                f"postrun hit a bug ({type(exc).__name__}: {exc}). Your files are fine and "
                "site/ was not changed. Run the same command with --debug to see the details, "
                "and send them to the postrun maintainers."
            ) from exc


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-11-22", param_hint=option
        ) from None


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="postrun")
@click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The workspace folder (holding content/ and profiles/).",
)
@click.option("--debug", is_flag=True, help="Show full details when postrun itself fails.")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """postrun turns your exercise content, protocol and client profiles into one private
    return-to-running website per client."""
    ctx.obj = Options(root, debug)


def _show_warnings(warnings: list[Problem] | tuple[Problem, ...]) -> None:
    for warning in warnings:
        click.secho(warning.format(), err=True, fg="yellow")


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--today", metavar="DATE", help="Check as if today were DATE (YYYY-MM-DD).")
@click.pass_obj
def check(opts: Options, strict: bool, today: str | None) -> None:
    """Check every file of the workspace and report all problems at once."""
    now = _date(today, "--today") or date.today()
    workspace, problems = load_workspace(opts.root)
    found = Problems()
    found.extend(problems)
    for profile in workspace.profiles:
        client_plan = plan(profile, workspace.content.protocol, workspace.content)
        for note in client_plan.notes:
            found.add(profile.file, None, None, note, None, "warning")
        if client_plan.end < now:
            found.add(
                profile.file,
                None,
                "start_date",
                f"her plan ended on {client_plan.end} (it started {client_plan.start})",
                "log a check-in or set a new goal to extend it",
                "warning",
            )
        elif (now - profile.start_date).days > 14 and not profile.check_ins:
            weeks = (now - profile.start_date).days // 7
            found.add(
                profile.file,
                None,
                "start_date",
                f"her plan started on {profile.start_date}, {weeks} weeks ago, and no check-in "
                f"is logged; her site opens at week {weeks + 1} today",
                "if she is only starting now, set start_date to today; otherwise log a check-in",
                "warning",
            )
    if not strict:
        _show_warnings(found.warnings)
    if strict and found.warnings:
        raise PostrunError(
            [Problem(p.file, p.line, p.field, p.message, p.hint) for p in found.warnings]
        )
    clients = len(workspace.profiles)
    click.echo(
        f"All good: {clients} client{'s' if clients != 1 else ''}, "
        f"{len(workspace.content.exercises)} exercises, "
        f"{len(found.warnings)} warning{'s' if len(found.warnings) != 1 else ''}."
    )


@cli.command()
@click.option("--only", metavar="SLUG", help="Rebuild one client's site only.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the site here instead of site/.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    metavar="N",
    help="Build with N processes (default: all cores).",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Build only the K-th of N equal shares of the clients (for CI matrices).",
)
@click.option("--clean", is_flag=True, help="Rebuild every client, even unchanged ones.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.pass_obj
def build(
    opts: Options,
    only: str | None,
    out: Path | None,
    jobs: int | None,
    shard: str | None,
    clean: bool,
    quiet: bool,
) -> None:
    """Build every client's website into site/ (atomically: a failed build changes nothing).

    Only clients whose profile changed are rebuilt, unless content, templates or postrun
    changed (then everyone is)."""
    from .build import build as run_build
    from .build import parse_shard

    show_bar = not quiet and sys.stderr.isatty()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show_bar or total < 2:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Building", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done == total:
            bar.__exit__(None, None, None)

    result = run_build(
        opts.root,
        out=out,
        only=only,
        progress=progress,
        jobs=jobs,
        shard=parse_shard(shard) if shard else None,
        incremental=not clean,
    )
    _show_warnings(result.warnings)
    if quiet:
        return
    if not result.clients and not result.removed:
        click.echo(f"Nothing to rebuild: {result.unchanged} clients unchanged → {result.out}/")
        return
    parts = [
        f"Built {result.clients} client{'s' if result.clients != 1 else ''}, "
        f"{result.pages} pages in {result.seconds:.2f} s"
    ]
    if result.unchanged:
        parts.append(f"{result.unchanged} unchanged")
    if result.removed:
        parts.append(f"{result.removed} removed")
    click.echo(f"{', '.join(parts)} → {result.out}/")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new workspace in DIRECTORY with the default content and one example client."""
    from .scaffold import init_workspace

    written = init_workspace(directory)
    click.echo(f"Created a postrun workspace in {directory}/: {', '.join(written)}")
    click.echo(f"Next: cd {directory} && postrun build")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value: Any, label: str, kind: Any = str, default: Any = None) -> Any:
    if value is not None:
        return value
    if not _interactive():
        raise click.UsageError(f"{label} is needed (give it as an option when not in a terminal)")
    return click.prompt(label, type=kind, default=default)


@cli.command()
@click.argument("slug")
@click.option("--name", help="Her full name, as shown on her site.")
@click.option("--delivery-date", metavar="DATE", help="The birth date (YYYY-MM-DD).")
@click.option("--delivery", type=click.Choice(["vaginal", "assisted", "caesarean"]))
@click.option("--clearance-date", metavar="DATE", help="Medical clearance date (YYYY-MM-DD).")
@click.option("--level", type=click.Choice(["beginner", "intermediate"]))
@click.option("--runs-per-week", type=click.IntRange(1, 3))
@click.pass_obj
def new(
    opts: Options,
    slug: str,
    name: str | None,
    delivery_date: str | None,
    delivery: str | None,
    clearance_date: str | None,
    level: str | None,
    runs_per_week: int | None,
) -> None:
    """Add a client: writes profiles/SLUG.yaml (asks for what is missing in a terminal)."""
    from .scaffold import NewProfile, new_profile

    date_type = click.DateTime(formats=["%Y-%m-%d"])
    values = NewProfile(
        name=_ask(name, "Her name"),
        delivery_date=_date(delivery_date, "--delivery-date")
        or _ask(None, "Delivery date (YYYY-MM-DD)", date_type).date(),
        delivery=_ask(
            delivery, "Delivery", click.Choice(["vaginal", "assisted", "caesarean"]), "vaginal"
        ),
        clearance_date=_date(clearance_date, "--clearance-date")
        or _ask(None, "Clearance date (YYYY-MM-DD)", date_type).date(),
        level=_ask(level, "Level", click.Choice(["beginner", "intermediate"]), "beginner"),
        runs_per_week=_ask(runs_per_week, "Runs per week", click.IntRange(1, 3), 3),
    )
    path = new_profile(opts.root, slug, values)
    click.echo(f"Wrote {path.relative_to(opts.root)}; edit it to add her goal and notes.")


@cli.command(name="list")
@click.option("--today", metavar="DATE", help="As if today were DATE (YYYY-MM-DD).")
@click.pass_obj
def list_clients(opts: Options, today: str | None) -> None:
    """A table of clients: phase today, next key date, last check-in, held or not."""
    from .listing import status, table

    now = _date(today, "--today") or date.today()
    workspace, problems = load_workspace(opts.root)
    _show_warnings(problems.warnings)
    rows = [
        status(plan(p, workspace.content.protocol, workspace.content), now)
        for p in workspace.profiles
    ]
    click.echo(table(rows))


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; keep 127.0.0.1 unless you know you need otherwise.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your browser.")
@click.pass_obj
def serve(opts: Options, port: int, host: str, open_browser: bool) -> None:
    """Preview the sites in your browser; pages refresh when you save a file."""
    from .serve import serve as run_serve

    run_serve(opts.root, host, port, open_browser)


@cli.command()
@click.option(
    "--remote",
    default="origin",
    show_default=True,
    metavar="NAME_OR_URL",
    help="Where to push: a git remote's name, or a repository URL or folder.",
)
@click.option("--branch", default="gh-pages", show_default=True, help="The branch to publish to.")
@click.option("--message", metavar="MSG", help="The commit message (default: what was published).")
@click.option("--no-push", is_flag=True, help="Commit to the branch, but do not push it.")
@click.option("--no-build", is_flag=True, help="Publish site/ as it is, without building first.")
@click.pass_obj
def publish(
    opts: Options, remote: str, branch: str, message: str | None, no_push: bool, no_build: bool
) -> None:
    """Build and put site/ online: commit it to the gh-pages branch and push it (your own files,
    branch and working folder are left exactly as they are)."""
    from .publish import publish as run_publish

    result = run_publish(
        opts.root,
        remote=remote,
        branch=branch,
        message=message,
        push=not no_push,
        build=not no_build,
    )
    _show_warnings(result.warnings)
    click.echo(result.summary())


def main() -> None:
    cli.main(prog_name="postrun")
