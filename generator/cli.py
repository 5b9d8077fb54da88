"""The `postrun` command: thin wiring from options to one function of each stage."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
import msgspec

from . import __version__
from .errors import PostrunError, Problem, environment_error

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Options(msgspec.Struct):
    root: Path
    debug: bool


class BugError(click.ClickException):
    """Something went wrong inside postrun itself (not in the coach's files)."""

    exit_code = 2


_LAZY: dict[str, Callable[[], click.Command]] = {}
"""Commands made on first use (see :func:`_new_command`)."""


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY and cmd_name not in self.commands:
            self.add_command(_LAZY[cmd_name]())
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            # The machine's faults (permissions, a full disk) are not bugs: say what to do.
            error: Exception = exc
            if isinstance(exc, OSError):
                error = environment_error(exc, "read or write this file")
            if isinstance(error, PostrunError):
                raise error from exc
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


new_secret_option = click.option(
    "--new-secret",
    is_flag=True,
    help="Knowingly give clients new addresses when .postrun-secret was lost or replaced "
    "(every link you sent stops working).",
)


def _show_warnings(warnings: list[Problem] | tuple[Problem, ...]) -> None:
    for warning in warnings:
        click.secho(warning.format(), err=True, fg="yellow")


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--today", metavar="DATE", help="Check as if today were DATE (YYYY-MM-DD).")
@click.pass_obj
def check(opts: Options, strict: bool, today: str | None) -> None:
    """Check every file of the workspace and report all problems at once."""
    from .check import check as run_check

    report = run_check(opts.root, _date(today, "--today") or date.today(), strict)
    _show_warnings(report.warnings)
    click.echo(report.summary())


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
@new_secret_option
@click.pass_obj
def build(
    opts: Options,
    only: str | None,
    out: Path | None,
    jobs: int | None,
    shard: str | None,
    clean: bool,
    quiet: bool,
    new_secret: bool,
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
        new_secret=new_secret,
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


def _language_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from .i18n import LanguageError, parse_language

    try:
        return parse_language(value)
    except LanguageError as exc:
        raise click.BadParameter(f"{exc.message} ({exc.hint})") from None


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--language",
    metavar="TAG",
    callback=_language_option,
    help="Your practice's language, e.g. de or de-AT (written to content/site.yaml).",
)
def init(directory: Path, language: str | None) -> None:
    """Create a new workspace in DIRECTORY with the default content and one example client."""
    from .scaffold import init_workspace

    written = init_workspace(directory, language)
    click.echo(f"Created a postrun workspace in {directory}/: {', '.join(written)}")
    click.echo(
        f"Back up {directory}/.postrun-secret somewhere safe and private (a password manager): "
        "it makes your clients' addresses, and if it is lost every address changes."
    )
    click.echo(f"Next: cd {directory} && postrun build")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _date_text(value: str) -> str:
    """A date as the coach typed it, as YAML text; click's error when it is not one."""
    from .load.fields import parse_date

    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        reason = str(exc)
        raise click.BadParameter(
            f"{value!r} is {reason}" if reason.startswith("not a real") else
            f"{value!r} is not a date: {reason}"
        ) from None


def _profile_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``new``'s options, one per field of NEW_FIELDS, from the field declarations."""
    from .load.schema import PROFILE
    from .scaffold import NEW_FIELDS

    for name in reversed(NEW_FIELDS):
        spec = PROFILE.field(name)
        kwargs: dict[str, Any] = {"help": spec.help}
        if spec.kind == "date":
            kwargs.update(
                metavar="DATE",
                help=f"{spec.help} YYYY-MM-DD.",
                callback=lambda _c, _p, v: None if v is None else _date_text(v),
            )
        elif spec.kind == "choice":
            kwargs["type"] = click.Choice(spec.choices)
        elif spec.kind == "integer":
            # The range depends on the protocol: the loader checks it, with its reason.
            kwargs.update(type=int, help=f"{spec.help} {spec.range_doc}.")
        command = click.option("--" + name.replace("_", "-"), name, **kwargs)(command)
    return command


def _new_command() -> click.Command:
    """``new``, made when it is asked for: its options come from the profile's field
    declarations, which the other commands (a rebuild above all) need not import."""

    @click.command(name="new")
    @click.argument("slug")
    @_profile_options
    @click.pass_obj
    def new(opts: Options, /, slug: str, **given: Any) -> None:
        """Add a client: writes profiles/SLUG.yaml (asks for what is missing in a terminal)."""
        from .scaffold import ASKED, ProfileDraft, yaml_value

        draft = ProfileDraft(opts.root, slug)
        values = {k: yaml_value(k, v) for k, v in given.items() if v is not None}
        if _interactive():
            for name in ASKED:
                if name not in values:
                    values[name] = _ask(draft, name, values)
        else:
            _require_options(values)
        path, warnings = draft.write(values, date.today())
        _show_warnings(warnings)
        click.echo(f"Wrote {path.relative_to(opts.root)}; edit it to add her goal and notes.")

    return new


def _require_options(values: dict[str, str]) -> None:
    from .load.schema import PROFILE

    missing = [s for s in PROFILE.fields if s.required and s.name not in values]
    if missing:
        raise click.UsageError(
            "; ".join(f"{s.label} is needed (--{s.name.replace('_', '-')})" for s in missing)
            + ". Give them as options when not in a terminal; the other fields have defaults."
        )


def _ask(draft: Any, name: str, values: dict[str, str]) -> str:
    """One question, its answer checked at once by the loader's own rules (asked again when
    wrong, e.g. a clearance date before the delivery date)."""
    from .errors import did_you_mean
    from .load.schema import PROFILE
    from .scaffold import yaml_value

    spec = PROFILE.field(name)
    label = spec.label
    if spec.kind == "date":
        label += " (YYYY-MM-DD)"
    elif spec.kind == "choice":
        label += f" ({' | '.join(spec.choices)})"
    elif spec.kind == "integer":
        label += f" (1 to {draft.max_runs})"

    def convert(text: str) -> str:
        text = text.strip()
        if spec.kind == "date":
            value = _date_text(text)
        elif spec.kind == "choice" and text not in spec.choices:
            near = did_you_mean(text, spec.choices)
            raise click.BadParameter(
                f"choose one of {' | '.join(spec.choices)}" + (f" ({near})" if near else "")
            )
        else:
            value = yaml_value(name, text)
        wrong = draft.problems_with(name, {**values, name: value})
        if wrong:
            raise click.BadParameter(
                "; ".join(p.message + (f" ({p.hint})" if p.hint else "") for p in wrong)
            )
        return value

    return str(click.prompt(label, default=draft.default(name), value_proc=convert))


@cli.command()
@click.argument(
    "kind",
    required=False,
    type=click.Choice(["profile", "site", "protocol", "exercise", "protocol-texts"]),
)
@click.option(
    "--write", is_flag=True, help="Write every kind's into .postrun/schema/ in the workspace."
)
@click.pass_obj
def schema(opts: Options, kind: str | None, write: bool) -> None:
    """Print the JSON Schema of a kind of file, for editors that check YAML as you type."""
    from .load.describe import json_schema_text

    if write:
        from .scaffold import write_schemas

        written = write_schemas(opts.root)
        click.echo(f"Wrote {', '.join(written)}")
    elif kind is None:
        raise click.UsageError(
            "name a kind of file: profile, site, protocol, exercise or protocol-texts"
        )
    else:
        click.echo(json_schema_text(kind), nl=False)


@cli.command(name="list")
@click.option("--today", metavar="DATE", help="As if today were DATE (YYYY-MM-DD).")
@click.pass_obj
def list_clients(opts: Options, today: str | None) -> None:
    """A table of clients: phase today, next key date, last check-in, held or not."""
    from .listing import clients, table

    listing = clients(opts.root, _date(today, "--today") or date.today())
    _show_warnings([p for p in listing.problems if p.severity == "warning"])
    for row in listing.rows:
        if row.problem:
            click.secho(row.problem, err=True, fg="red")
    click.echo(table(list(listing.rows)))
    broken = sum(1 for r in listing.rows if r.problem)
    if broken:
        click.echo(
            f"{broken} profile{'s' if broken != 1 else ''} could not be read: "
            f"fix {'them' if broken != 1 else 'it'} and run `postrun check`.",
            err=True,
        )


@cli.command()
@click.argument("slug")
@click.option("--date", "day", metavar="DATE", help="The day of the check-in (default: today).")
@click.option(
    "--symptoms",
    metavar="A,B|none",
    help="What she reported, separated by commas (e.g. heaviness,leakage), or none.",
)
@click.option("--note", metavar="TEXT", help="A few words for your own log.")
@click.option(
    "--from-log",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="Import the run log she downloaded from her site: one check-in per logged run.",
)
@click.pass_obj
def checkin(
    opts: Options,
    slug: str,
    day: str | None,
    symptoms: str | None,
    note: str | None,
    from_log: Path | None,
) -> None:
    """Log a check-in in her profile (SLUG: her profile's file name, or her slug); your
    comments and layout are kept."""
    from .checkin import import_log, log_check_in

    today = date.today()
    if from_log is not None:
        if symptoms is not None or day is not None or note is not None:
            raise click.UsageError("--from-log takes the dates and symptoms from the file")
        result = import_log(opts.root, slug, from_log, today)
    elif symptoms is None:
        raise click.UsageError(
            "say what she reported: --symptoms none, or e.g. --symptoms heaviness,leakage"
        )
    else:
        when = _date(day, "--date") or today
        result = log_check_in(opts.root, slug, when, symptoms, note, today)
    click.echo(result.summary())


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; keep 127.0.0.1 unless you know you need otherwise.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your browser.")
@new_secret_option
@click.pass_obj
def serve(opts: Options, port: int, host: str, open_browser: bool, new_secret: bool) -> None:
    """Preview the sites in your browser; pages refresh when you save a file."""
    import gc

    from .serve import serve as run_serve

    gc.enable()  # a long-running preview rebuilds again and again: collect its garbage
    run_serve(opts.root, host, port, open_browser, new_secret=new_secret)


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
@new_secret_option
@click.pass_obj
def publish(
    opts: Options,
    remote: str,
    branch: str,
    message: str | None,
    no_push: bool,
    no_build: bool,
    new_secret: bool,
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
        new_secret=new_secret,
    )
    _show_warnings(result.warnings)
    click.echo(result.summary())


_LAZY["new"] = _new_command


def main() -> None:
    """The `postrun` command as the shell runs it: :func:`generator.process.main`, kept here for
    launchers installed by earlier versions."""
    from .process import main as process_main

    process_main()
