"""The faster rendering pieces give exactly what plain Jinja2 and markupsafe give (cheap, no
build): the joining code generator, its escaping, and the identity caches of view data."""

from __future__ import annotations

from datetime import date

from jinja2 import DictLoader, Environment, StrictUndefined
from markupsafe import Markup, escape

from generator.jinja_codegen import JoiningCodeGenerator, html_escape
from generator.jinja_i18n import CompiledTranslations
from generator.models import Dosage, Dose, Segment, Session
from generator.sharedbytes import SharedBytes
from generator.views import part_seconds, segments_json

TEMPLATES = {
    "base.html": (
        "<title>{% block title %}{{ t }}{% endblock %}</title>\n"
        "{% block main %}{% endblock %}<footer>{{ 'a&b' }}</footer>\n"
    ),
    "m.html": (
        "{% macro card(x, level=3) -%}<h{{ level }}>{{ x }}</h{{ level }}>"
        "{% for i in range(2) %}<i>{{ i }}{{ x }}</i>{% endfor %}{%- endmacro %}"
    ),
    "page.html": (
        "{% extends 'base.html' %}{% import 'm.html' as m with context %}\n"
        "{% block main %}\n<p>{% trans name=who %}Hello {{ name }}!{% endtrans %} "
        "{{ m.card(who) }} {{ safe }} {{ n }} {{ none }}</p>\n"
        "{% set said %}<b>{{ who }}</b>{% endset %}{{ said }}{{ said|upper }}\n"
        "{% for x in items %}<li class=\"{{ x }}\">{{ loop.index }}: {{ x }}</li>"
        "{% else %}none{% endfor %}\n"
        "{% if n > 1 %}{{ n }} &lt;{{ 'x' }}{% endif %}{% filter upper %}{{ who }}{% endfilter %}"
        "{% endblock %}\n"
    ),
}


def _env(joined: bool) -> Environment:
    env = Environment(
        loader=DictLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        extensions=[CompiledTranslations],
    )
    if joined:
        env.code_generator_class = JoiningCodeGenerator
    env.install_null_translations()  # type: ignore[attr-defined]
    return env


def test_the_joining_code_generator_writes_what_jinja_writes() -> None:
    context = {
        "t": "T<&>", "who": "O'Neil <b>", "safe": Markup("<em>ok</em>"), "n": 3,
        "none": None, "items": ["a\"b", "<c>"],
    }
    plain = _env(False).get_template("page.html").render(context)
    joined_env = _env(True)
    joined = joined_env.get_template("page.html").render(context)
    assert joined == plain
    source = joined_env.loader.get_source(joined_env, "page.html")[0]  # type: ignore[union-attr]
    code = joined_env.compile(source, "page.html", raw=True)
    assert "yield concat((" in code and "html_escape(" in code


def test_html_escape_is_markupsafe_escape() -> None:
    class Html:
        def __html__(self) -> str:
            return "<i>mine</i>"

    for value in ("a<b>&'\"", "", Markup("<b>"), 12, 1.5, None, True, Html(), ["<x>"]):
        assert html_escape(value) == str(escape(value))


def test_segment_views_do_not_depend_on_the_tuple_object() -> None:
    one = (Segment("walk", 300, "warm_up"), Segment("jog", 60, "main"))
    same = (Segment("walk", 300, "warm_up"), Segment("jog", 60, "main"))
    other = (Segment("walk", 120, "warm_up"),)
    assert segments_json(one) == segments_json(same)
    assert part_seconds(one, "warm_up") == part_seconds(same, "warm_up") == 300
    assert part_seconds(other, "warm_up") == 120 and part_seconds(one, "main") == 60
    assert segments_json(other) == '[{"a":"walk","s":120,"p":"warm_up"}]'


def test_a_shared_card_is_made_once_for_equal_sessions() -> None:
    shared = SharedBytes()
    made: list[str] = []

    def card(session: Session, level: int) -> str:
        made.append(session.exercises[0].id)
        return f"<card {session.exercises[0].id}>"

    def session(ex_id: str) -> Session:
        dose = Dose(ex_id, ex_id.title(), Dosage(2, reps=8))
        return Session(date=date(2026, 1, 1), kind="strength",
                       phase="p", exercises=(dose,))

    first, again, other = session("squat"), session("squat"), session("lunge")
    assert shared.card(first, card) == shared.card(first, card) == "<card squat>"
    shared.next_client()
    assert shared.card(again, card) == "<card squat>"  # equal, not the same tuple
    assert shared.card(other, card) == "<card lunge>"
    assert made == ["squat", "lunge"]


def test_dates_and_month_grids_are_what_python_s_calendar_gives() -> None:
    # postrun's own English names and month grids are looked up and counted, not made by
    # strftime and the calendar module: the same text over a century of days and months.
    import calendar
    from datetime import timedelta

    from generator.i18n import _OWN_ENGLISH
    from generator.views import _month_dates

    formats = {"day": "%a {day} %b", "long": "%A {day} %B %Y", "short": "{day} %b %Y",
               "dayyear": "%a {day} %b %Y", "month": "%B %Y", "month_abbr": "%b",
               "date": "{day} %B %Y"}
    for offset in range(0, 36_600, 7):
        d = date(1990, 1, 1) + timedelta(days=offset + offset // 7 % 7)
        for style, pattern in formats.items():
            assert _OWN_ENGLISH[style](d) == d.strftime(pattern.format(day=d.day)), (style, d)
    for year in range(1990, 2090):
        for month in range(1, 13):
            grid = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
            want = tuple(tuple(d if d.month == month else None for d in w) for w in grid)
            assert _month_dates(year, month) == want, (year, month)
