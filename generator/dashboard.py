"""The coach's dashboard: the front page of ``postrun serve``'s preview (never in site/).

One row per client, as of today: a link to her preview, her phase, the next key date, the last
check-in, whether she is held or stopped, and what ``postrun check`` would warn about her.
It names clients, so it exists only on the coach's machine, made on request by the preview.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date
from pathlib import Path

from .check import FieldLines, leftovers, passphrase_problems, plan_warnings
from .errors import Problem
from .listing import Row, clients
from .models import ProfileRef

_STYLE = """
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:80rem;padding:1rem;color:#1d1d1f}
h1{font-size:1.5rem;margin:.2em 0}
p.lead{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.5em .6em;border-bottom:1px solid #ddd}
th{background:#f3f3f5;position:sticky;top:0}
.status-held{color:#8a5300;font-weight:600}.status-stop{color:#a00;font-weight:700}
.status-broken{color:#a00;font-weight:700}.status-ok{color:#1b6e20}
ul.warnings{margin:0;padding-left:1.1em;color:#6b4a00;font-size:.9em}
ul.warnings li.error{color:#a00}
.muted{color:#666}
@media (prefers-color-scheme:dark){body{background:#121214;color:#eee}th{background:#26262a}
th,td{border-color:#333}p.lead,.muted{color:#aaa}ul.warnings{color:#f0c060}
.status-ok{color:#7bd67f}a{color:#8ab4ff}}
"""


def dashboard(root: Path, today: date, locked: dict[str, str] | None = None) -> bytes:
    """The dashboard page for the workspace at ``root`` as of ``today``; ``locked``: slug →
    passphrase variable of clients the preview left out."""
    listing = clients(root, today)
    notes: dict[str, list[Problem]] = defaultdict(list)
    for problem in listing.problems:
        notes[problem.file].append(problem)
    plans = listing.plans
    refs = [
        ProfileRef(p.profile.file, p.profile.slug, p.profile.passphrase_env)
        for p in plans.values()
    ]
    for problem in passphrase_problems(root, refs):
        notes[problem.file].append(problem)
    for client_plan in plans.values():
        file = client_plan.profile.file
        notes[file].extend(plan_warnings(client_plan, today, FieldLines(root, file)))
    for problem in leftovers(root, (p.profile for p in plans.values())):
        notes[problem.file].append(problem)

    site = listing.workspace.content.site
    body: list[str] = []
    for row in listing.rows:
        found = plans.get(row.slug)
        file = found.profile.file if found is not None else row.slug
        body.append(_row(row, file, notes.pop(file, []), (locked or {}).get(row.slug)))
    general = [p for problems in notes.values() for p in problems]
    count = len(listing.rows)
    return _page(
        site.practice,
        today,
        count,
        "\n".join(body),
        general,
    ).encode("utf-8")


def _row(row: Row, file: str, problems: list[Problem], locked: str | None) -> str:
    e = html.escape
    if row.problem:
        status = '<span class="status-broken">BROKEN</span>'
        who = f"<strong>{e(file)}</strong>"
        cells = ['<td class="muted">—</td>'] * 3
    else:
        if locked is not None:
            link = f'<span class="muted">not previewed: {e(locked)} is not set</span>'
        else:
            link = f'<a href="/{e(row.slug)}/">{e(row.slug)}/</a>'
        who = f"<strong>{e(row.name)}</strong><br>{link}"
        if row.stopped:
            status = '<span class="status-stop">STOP</span>'
        elif row.held:
            status = '<span class="status-held">HELD</span>'
        else:
            status = '<span class="status-ok">on track</span>'
        nxt = f"{row.next_label} {row.next_date.isoformat()}" if row.next_date else "—"
        cells = [f"<td>{e(row.phase)}</td>", f"<td>{e(nxt)}</td>",
                 f"<td>{e(row.last_check_in or '—')}</td>"]
    warnings = "".join(
        f'<li class="{p.severity}">{e(_short(p))}</li>' for p in problems
    )
    listed = f'<ul class="warnings">{warnings}</ul>' if warnings else ""
    return (
        f'<tr data-client="{e(row.slug)}"><td>{who}</td>{"".join(cells)}<td>{status}</td>'
        f"<td>{listed}</td></tr>"
    )


def _short(problem: Problem) -> str:
    """A problem without its file name (the row says whose it is), keeping the line."""
    text = problem.format()
    prefix = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    if problem.line is not None and text.startswith(prefix):
        return f"line {problem.line}: {text[len(prefix) + 2:]}"
    return text.removeprefix(f"{problem.file}: ")


def _page(practice: str, today: date, count: int, rows: str, general: list[Problem]) -> str:
    e = html.escape
    others = "".join(f'<li class="{p.severity}">{e(p.format())}</li>' for p in general)
    workspace = (
        f'<h2>Your workspace</h2><ul class="warnings">{others}</ul>' if others else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Your clients · {e(practice)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>Your clients · {e(practice)}</h1>
<p class="lead">{count} client{"s" if count != 1 else ""} on {today:%A %-d %B %Y}. This page is
the preview's dashboard, on this computer only: it is never written to site/ or published.
Visitors see <a href="/index.html">the site's own front page</a>, which lists no clients.</p>
{workspace}
<table>
<thead><tr><th scope="col">Client</th><th scope="col">Phase today</th><th scope="col">Next</th>
<th scope="col">Last check-in</th><th scope="col">Status</th><th scope="col">Warnings</th></tr>
</thead>
<tbody>
{rows}
</tbody>
</table>
</main>
</body>
</html>
"""
