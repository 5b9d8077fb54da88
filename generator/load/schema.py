"""Every field postrun reads, declared once: name, type, required, default, range or choices,
and a one-line help.

From these tables come the validation in this package (each loader reads its fields through
:func:`generator.load.fields.Fields.read`), the JSON Schemas for editors, the README's field
tables, the field reference in a new workspace's README, and the profile template and options
of ``postrun new`` (:mod:`generator.load.describe`, :mod:`generator.scaffold`). Rules that tie
two fields together (run days against runs per week, dates in order) are code, beside each
loader.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ..i18n import LANGUAGES
from ..models import CATEGORIES, DELIVERIES, LEVELS, WEEKDAYS

Kind = Literal[
    "text",  # one line of text (``pattern``: what it must look like)
    "markdown",  # several lines of Markdown
    "integer",  # a whole number from ``low`` to ``high``
    "boolean",  # true or false
    "date",  # YYYY-MM-DD
    "time",  # HH:MM, 24-hour
    "choice",  # one of ``choices``
    "weekdays",  # a list of weekdays (mon … sun)
    "lines",  # a list of text lines (``choices``: when they must be known ids)
    "mapping",  # nested ``fields``
    "list",  # a list of mappings, each with ``fields``
    "by_id",  # a mapping from ids to nested ``fields``
]

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
LANGUAGE_PATTERN = rf"^({'|'.join(LANGUAGES)})([-_][a-zA-Z0-9]{{2,4}})*$"
"""A language postrun speaks, with an optional script or region (checked against CLDR)."""


class Spec(msgspec.Struct, frozen=True):
    """One field of one file kind."""

    name: str
    kind: Kind
    help: str
    """One line, for the coach: README tables, editor tooltips, template comments."""
    required: bool = False
    default: Any = None
    """The value used when the field is left out (None: no value)."""
    default_doc: str = ""
    """How the README says the default when it is worked out, e.g. "the clearance date"."""
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    """What a text must look like (a regular expression, for editors)."""
    example: str = ""
    """A value as written in YAML, for the profile template and the README."""
    fields: tuple[Spec, ...] = ()
    required_when: str = ""
    """When the field is required only together with another, e.g. "with `session_time`"."""
    hint: str = ""
    """What to do when the value is out of range (default: the range)."""
    label: str = ""
    """A short name for ``postrun new``'s questions, e.g. "Her name"."""
    range_doc: str = ""
    """How the README says the range when the protocol narrows it."""

    def field(self, name: str) -> Spec:
        return _find(self.fields, name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.fields)


class FileSchema(msgspec.Struct, frozen=True):
    """The fields of one kind of file."""

    kind: str
    file: str
    title: str
    fields: tuple[Spec, ...] = ()

    def field(self, name: str) -> Spec:
        return _find(self.fields, name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.fields)


def _find(specs: tuple[Spec, ...], name: str) -> Spec:
    for spec in specs:
        if spec.name == name:
            return spec
    raise KeyError(name)


# ---------------------------------------------------------------- content/site.yaml

SITE = FileSchema(
    "site",
    "content/site.yaml",
    "Your practice's settings, shown on every client's site",
    (
        Spec("practice", "text", "Your practice's name, shown on every page.", required=True,
             example='"Riverside Postnatal Running"'),
        Spec("coach", "text", "Your name, signed under the coach's note.", required=True,
             example='"Jo Alvarez"'),
        Spec("contact", "text", "How clients reach you (shown in every page's footer).",
             default=""),
        Spec("language", "text",
             "The language of your clients' sites: `en`, `de`, `es` or `fr`, with a region "
             "for its dates if you like, e.g. `en-GB`, `en-US`, `de-AT` (see Languages).",
             default="en", pattern=LANGUAGE_PATTERN),
        Spec("base_url", "text",
             "Where the site is published, e.g. `https://you.github.io/plans/` (enables "
             "calendar subscription links).", pattern=r"^https://[^\s/]+(/[^\s]*)?$"),
        Spec("cname", "text", "A custom domain for GitHub Pages, e.g. `plans.example.com`.",
             pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$"),
        Spec("email", "text", "Your e-mail address: her pages link it so she can write to you.",
             default="", pattern=r"^[^@\s<>\"',;:]+@[^@\s<>\"',;:]+\.[^@\s<>\"',;:]+$"),
        Spec("phone", "text", "Your phone number: her pages link it so she can call you.",
             default="", pattern=r"^\+?[0-9][0-9 ()./-]{3,30}$"),
    ),
)

# ---------------------------------------------------------------- content/protocol.yaml

_SYMPTOM = (
    Spec("id", "text", "A short lower-case name, used in check-ins.", required=True,
         pattern=ID_PATTERN),
    Spec("label", "text", "The words her pages use for it.", required=True),
    Spec("word", "text",
         "A word or two for it in sentences such as \"walk if you feel pain, heaviness …\" "
         "(default: its id).", default=""),
)

PROTOCOL = FileSchema(
    "protocol",
    "content/protocol.yaml",
    "The return-to-running protocol as numbers: every plan follows them",
    (
        Spec("earliest_run_weeks", "integer",
             "No running before this many weeks after birth (nor before clearance or healing).",
             required=True, low=0, high=104),
        Spec("hours_between_runs", "integer", "At least this many hours between two runs.",
             required=True, low=24, high=168),
        Spec("max_jog_increases_per_week", "integer",
             "Jogging time goes up in at most this many sessions of one Monday–Sunday week.",
             required=True, low=1, high=7),
        Spec("strength_per_week", "mapping", "Strength sessions per week, all through the plan.",
             required=True, fields=(
                 Spec("min", "integer", "The fewest strength days a week.", required=True,
                      low=1, high=7),
                 Spec("max", "integer", "The most strength days a week.", required=True,
                      low=1, high=7),
             )),
        Spec("foundation_min_weeks", "integer",
             "The foundation before the readiness check lasts at least this many weeks.",
             required=True, low=0, high=52),
        Spec("sessions_per_stage", "integer",
             "Each run/walk stage is done this many times before the next.",
             required=True, low=1, high=20),
        Spec("warm_up_seconds", "integer", "The walk before each run/walk, in seconds.",
             required=True, low=0, high=3600),
        Spec("cool_down_seconds", "integer", "The walk after each run/walk, in seconds.",
             required=True, low=0, high=3600),
        Spec("consolidate_weeks", "integer",
             "Weeks at the last stage once it is reached (unless a goal is later).",
             required=True, low=0, high=52),
        Spec("hold_review_weeks", "integer",
             "While symptoms hold progression, the plan repeats its stage this many weeks, "
             "then waits for your next check-in.", required=True, low=1, high=26),
        Spec("max_plan_weeks", "integer", "A plan never runs longer than this many weeks.",
             required=True, low=8, high=260),
        Spec("hold_symptoms", "list",
             "Symptoms that hold progression when a check-in reports one: `{id, label}` each.",
             required=True, fields=_SYMPTOM),
        Spec("stop_symptoms", "list",
             "Symptoms that stop running until a check-in without symptoms: `{id, label}` each.",
             fields=_SYMPTOM),
        Spec("readiness_retest_weeks", "integer",
             "After a failed readiness check, the retest comes this many weeks later.",
             default=2, low=1, high=12),
        Spec("break_step_back_days", "integer",
             "A break this many days long or longer steps her next run back one stage.",
             default=14, low=1, high=365),
        Spec("level_up_after_weeks", "integer",
             "A beginner moves to the intermediate variants after this many weeks of run/walk "
             "without a hold, stop or break.", default=6, low=1, high=52),
        Spec("max_bout_increase_seconds", "integer",
             "The longest single jog grows by at most this many seconds from stage to stage.",
             default=300, low=30, high=7200),
        Spec("rest_suggestion", "text", "What her rest days suggest.", default=""),
        Spec("readiness_tests", "list",
             "The tests she passes, without symptoms, before her first run.",
             required=True, fields=(
                 Spec("exercise", "text", "The exercise id of the test (its page explains it).",
                      required=True, pattern=SLUG_PATTERN),
                 Spec("target", "text",
                      "What counts as a pass, e.g. `20 each leg` (default: the exercise's).",
                      default=""),
                 Spec("title", "text", "Its name on her checklist (default: the exercise's).",
                      default=""),
             )),
        Spec("stages", "list",
             "Run/walk stages in order: `jog` seconds then `walk` seconds, repeated for "
             "`main_minutes`; the last one is continuous (`walk: 0`).",
             required=True, fields=(
                 Spec("jog", "integer", "Seconds of jogging in each interval.", required=True,
                      low=1, high=7200),
                 Spec("walk", "integer", "Seconds of walking after each jog.", required=True,
                      low=0, high=3600),
                 Spec("main_minutes", "integer",
                      "Minutes of jog and walk intervals (warm-up and cool-down aside).",
                      required=True, low=1, high=240),
             )),
        Spec("phases", "list",
             "The phases in order: foundation phases, readiness, run_walk, then goal.",
             required=True, fields=(
                 Spec("id", "text", "A short lower-case name, used in messages.", required=True,
                      pattern=ID_PATTERN),
                 Spec("kind", "choice", "What the phase is.", required=True,
                      choices=("foundation", "readiness", "run_walk", "goal")),
                 Spec("title", "text", "Its name on her pages.", required=True),
                 Spec("summary", "text", "One sentence about it for her overview.", default=""),
                 Spec("weeks", "integer",
                      "Foundation phases share the weeks before the readiness check in "
                      "proportion to this.", default=1, low=1, high=52),
                 Spec("exercises", "mapping",
                      "Each level's strength session: exercise ids (needed except in readiness).",
                      fields=tuple(
                          Spec(level, "lines", f"The {level} session's exercise ids.",
                               required=level == "beginner")
                          for level in LEVELS
                      )),
             )),
    ),
)

# ---------------------------------------------------------------- content/exercises/ID.md

_DOSE = (
    Spec("how", "markdown", "What this level does (Markdown).", required=True),
    Spec("sets", "integer", "How many sets.", required=True, low=1, high=10),
    Spec("reps", "integer", "Repetitions per set (or give `seconds`).", low=1, high=200),
    Spec("seconds", "integer", "Seconds per set (or give `reps`).", low=1, high=3600),
    Spec("each_side", "boolean", "Whether the dose is for each side.", default=False),
    Spec("per", "text", "Words after the count, e.g. `each direction`.", default=""),
)

EXERCISE = FileSchema(
    "exercise",
    "content/exercises/ID.md",
    "One exercise: these fields between the --- lines, then how to do it in Markdown",
    (
        Spec("title", "text", "Its name.", required=True),
        Spec("category", "choice", "What it trains (`readiness` for a readiness test).",
             required=True, choices=CATEGORIES),
        Spec("summary", "text", "One sentence about it.", default=""),
        Spec("equipment", "lines", "What she needs, one item a line.", default=()),
        Spec("levels", "mapping", "The dose per level.",
             required_when="except for readiness tests",
             fields=tuple(
                 Spec(level, "mapping", f"The {level} variant.",
                      required=level == "beginner", fields=_DOSE)
                 for level in LEVELS
             )),
        Spec("points", "lines", "Tips for doing it well.", default=()),
        Spec("cautions", "lines", "When to stop or go easier.", default=()),
        Spec("target", "text", "Readiness tests: what counts as a pass, e.g. `20 each leg`.",
             default=""),
        Spec("image", "text", "A picture under content/media/, e.g. `media/hip-circles.svg`.",
             pattern=r"^media/"),
        Spec("image_alt", "text", "What the picture shows, for people who cannot see it "
             "(needed with `image`).", default="", required_when="with `image`"),
        Spec("video", "text", "An `https://` link to a video she may choose to open.",
             pattern=r"^https://\S+$"),
        Spec("sources", "lines", "Where the exercise comes from.", default=()),
    ),
)

# ---------------------------------------------------------------- profiles/NAME.yaml

MAX_RUNS_PER_WEEK = 7
"""Never more runs than days; the protocol's ``hours_between_runs`` narrows this (48 h: 3)."""

PROFILE = FileSchema(
    "profile",
    "profiles/NAME.yaml",
    "One client",
    (
        Spec("name", "text", "Her name, shown on her site (only there).", required=True,
             example='"Sam Rivera"', label="Her name"),
        Spec("slug", "text",
             "Her folder name in site/; set it only to keep an address you already gave out "
             "(lower-case letters, digits and dashes).",
             default_doc="file name + 6 secret characters", pattern=SLUG_PATTERN,
             example="sam-rivera"),
        Spec("delivery_date", "date", "The birth date.", required=True, example="2026-09-01",
             label="Delivery date"),
        Spec("delivery", "choice", "How she gave birth.", default="vaginal",
             choices=DELIVERIES, label="Delivery"),
        Spec("injuries_healed_date", "date",
             "When a perineal tear or caesarean wound was signed off as healed.",
             example="2026-10-10"),
        Spec("clearance_date", "date", "Medical clearance from her birth provider.",
             required=True, example="2026-10-13", label="Clearance date"),
        Spec("start_date", "date", "The first day of her plan.",
             default_doc="`clearance_date`", example="2026-10-20", label="Start date"),
        Spec("level", "choice", "Which variant of each exercise she does.",
             default="beginner", choices=LEVELS, label="Level"),
        Spec("runs_per_week", "integer", "Runs a week.",
             range_doc="1 to 3 with 48 hours between runs (the protocol's `hours_between_runs`)",
             default_doc="number of `run_days`, else the most `hours_between_runs` allows (3)",
             low=1, high=MAX_RUNS_PER_WEEK, example="3", label="Runs per week"),
        Spec("run_days", "weekdays",
             "Her run days, at least 48 hours apart (Sunday to Monday included).",
             default_doc="1 run: sat; 2: tue, sat; 3: tue, thu, sat", choices=WEEKDAYS,
             example="[tue, thu, sat]"),
        Spec("strength_days", "weekdays",
             "Her strength days (2 or 3), none of them a run day.",
             default_doc="mon, wed, fri, else the free days nearest them", choices=WEEKDAYS,
             example="[mon, wed, fri]"),
        Spec("breastfeeding", "boolean", "When true, runs remind her to feed or pump first.",
             default=False, example="false"),
        Spec("goal", "mapping", "What she is aiming at; the plan runs until its date.",
             example='{label: "parkrun 5 km", date: 2027-03-06}', fields=(
                 Spec("label", "text", "The goal in a few words.", required=True),
                 Spec("date", "date", "The day of the goal.", example="2027-03-06"),
             )),
        Spec("check_ins", "list",
             "Your log after each conversation; symptoms hold or stop progression until a "
             "check-in without them.",
             example='\n  - {date: 2026-11-13, symptoms: [], note: "felt strong"}', fields=(
                 Spec("date", "date", "The day you talked.", required=True),
                 Spec("symptoms", "lines",
                      "What she reported, from the protocol's hold and stop symptoms "
                      "(`[]` for none).", required=True),
                 Spec("note", "text", "A few words for you.", default=""),
             )),
        Spec("readiness_checks", "list",
             "Readiness check results: the tests she did not pass (`[]` when she passed all).",
             example="\n  - {date: 2026-12-01, failed: []}", fields=(
                 Spec("date", "date", "The day of the check.", required=True),
                 Spec("failed", "lines",
                      "The readiness test ids she did not pass (`[]` for none).",
                      required=True),
             )),
        Spec("breaks", "list",
             "Days with no session at all (illness, travel); both ends included.",
             example='\n  - {start: 2026-12-20, end: 2026-12-27, reason: "holiday"}', fields=(
                 Spec("start", "date", "The first day of the break.", required=True),
                 Spec("end", "date", "The last day of the break.", required=True),
                 Spec("reason", "text", "Why, in a few words.", default=""),
             )),
        Spec("coach_note", "markdown", "Markdown shown on her overview page.", default="",
             example="|\n  A few words for her overview page."),
        Spec("session_time", "time",
             "The time her sessions start, for her calendar (quote it: \"07:30\"); needs "
             "`timezone`.", default_doc="all-day events", example='"07:30"'),
        Spec("timezone", "text", "Her time zone, e.g. `Europe/London`.",
             required_when="with `session_time`", example="Europe/London"),
        Spec("reminder_minutes", "integer",
             "Her calendar reminds her this many minutes before each session.",
             low=0, high=10080, example="60"),
        Spec("language", "text",
             "Her language, when it is not the practice's: `en`, `de`, `es` or `fr`, with a "
             "region for its dates if you like, e.g. `es-MX`.",
             default_doc="the `language` of content/site.yaml", pattern=LANGUAGE_PATTERN,
             example="es"),
        Spec("passphrase_env", "text",
             "Protects her site with a passphrase: the name of the environment variable that "
             "holds it (see Privacy).", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
             example="SAM_PASSPHRASE"),
    ),
)

# ---------------------------------------------------------------- content/protocol.LANG.yaml

_SYMPTOM_WORDS = (
    Spec("label", "text", "The words her pages use for it."),
    Spec("word", "text", "A word or two for it in sentences (\"walk if you feel …\")."),
)

PROTOCOL_TEXTS = FileSchema(
    "protocol-texts",
    "content/protocol.LANG.yaml",
    "The protocol's words in one more language (LANG: de, es, fr, en), found by the ids of "
    "protocol.yaml; only words, never numbers",
    (
        Spec("phases", "by_id", "Each phase's words, under its id (`core:`, `run_walk:` …).",
             pattern=ID_PATTERN, fields=(
                 Spec("title", "text", "Its name on her pages."),
                 Spec("summary", "text", "One sentence about it for her overview."),
             )),
        Spec("hold_symptoms", "by_id", "Each hold symptom's words, under its id (`pain:` …).",
             pattern=ID_PATTERN, fields=_SYMPTOM_WORDS),
        Spec("stop_symptoms", "by_id", "Each stop symptom's words, under its id (`bulge:` …).",
             pattern=ID_PATTERN, fields=_SYMPTOM_WORDS),
        Spec("rest_suggestion", "text", "What her rest days suggest."),
        Spec("readiness_tests", "by_id",
             "Each readiness test's words, under its exercise id (`test-walk:` …).",
             pattern=SLUG_PATTERN, fields=(
                 Spec("target", "text", "What counts as a pass, e.g. `20 pro Bein`."),
                 Spec("title", "text", "Its name on her checklist."),
             )),
    ),
)

SCHEMAS: dict[str, FileSchema] = {
    s.kind: s for s in (PROFILE, SITE, PROTOCOL, EXERCISE, PROTOCOL_TEXTS)
}
"""Every file kind, by the name ``postrun schema KIND`` takes."""
