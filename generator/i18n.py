"""Her language: which languages postrun speaks, how a language tag is read, and access to the
translation catalogs (``generator/locale/LANG/LC_MESSAGES/postrun.po``) and to Babel's CLDR
data (dates, numbers, units).

A language tag is a base language with an optional region: ``en``, ``en-GB``, ``de-AT``. The
base language picks the catalog (``de-AT`` reads German words); the whole tag picks the CLDR
date formats (``en-US`` writes "Tue, Nov 24", ``en-GB`` "Tue 24 Nov"). A plain ``en`` keeps
postrun's own English formats (day before month, "Tuesday 24 November 2026").

The content helper's interface (keep these names): :data:`LANGUAGES`, :func:`client_language`,
:func:`base_language`.
"""

from __future__ import annotations

import gettext as _gettext
import json
import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .shipped import LOCALE_DIR
from .shipped import catalog_digest as catalog_digest

if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog

    from .models import Dosage, Profile, Site

# Babel is imported where it is used: a plain English build never needs it (its import and
# CLDR data would add to every run of postrun's start-up).

LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "es": "Español",
    "fr": "Français",
}
"""The languages postrun speaks (base language -> its own name for itself). English is the
language the catalogs are written in (their message ids)."""

DEFAULT_LANGUAGE = "en"

PSEUDO = "en-XA"
"""A test language: every word postrun writes comes out wrapped in ⟦…⟧ (dates too), so a
page shows at a glance any word that does not go through the catalogs."""

DOMAIN = "postrun"

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|[0-9]{3}))?$")


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract``); it is translated where shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks a message with a context for extraction (``pybabel extract -k NP_:1c,2``)."""
    return message


class LanguageError(ValueError):
    """A language tag postrun cannot use: ``message`` and ``hint`` are for the coach."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def languages_hint() -> str:
    """The languages postrun speaks, for a hint."""
    spoken = ", ".join(f"{tag} ({name})" for tag, name in LANGUAGES.items())
    return f"postrun speaks {spoken}; add a region for its dates, e.g. en-GB, en-US, de-AT"


def parse_language(tag: str) -> str:
    """``tag`` written the standard way (``de-at`` -> ``de-AT``, ``en_GB`` -> ``en-GB``);
    :class:`LanguageError` when postrun does not speak its language or CLDR does not know its
    region."""
    text = str(tag).strip()
    if text.lower() == PSEUDO.lower():
        return PSEUDO
    match = _TAG.fullmatch(text)
    if match is None:
        raise LanguageError(
            f"{text!r} is not a language tag", "write a language like en, or with a region: en-GB"
        )
    base, script, region = match.group(1).lower(), match.group(2), match.group(3)
    if base not in LANGUAGES:
        raise LanguageError(f"postrun does not speak {text!r}", languages_hint())
    parts = [base]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    canonical = "-".join(parts)
    from babel import localedata

    if len(parts) > 1 and not localedata.exists("_".join(parts)):
        regions = sorted(
            name.replace("_", "-")
            for name in localedata.locale_identifiers()
            if name[: len(base) + 1] == f"{base}_" and _is_region(name[len(base) + 1 :])
        )
        shown = ", ".join(regions[:12]) + (", …" if len(regions) > 12 else "")
        raise LanguageError(
            f"unknown region in {text!r}",
            f"leave the region out ({base}) or use one of: {shown}",
        )
    return canonical


def is_language(tag: str) -> bool:
    try:
        parse_language(tag)
    except LanguageError:
        return False
    return True


def base_language(tag: str) -> str:
    """The catalog's language of a tag: ``de-AT`` -> ``de`` (the pseudo-language: ``en``)."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def client_language(profile: Profile | None, site: Site) -> str:
    """Her language: her profile's ``language`` when set, else the practice's (site.yaml)."""
    own = getattr(profile, "language", None) if profile is not None else None
    return own or site.language or DEFAULT_LANGUAGE


@lru_cache(maxsize=32)
def babel_locale(tag: str) -> Locale:
    """Babel's CLDR locale for a tag (a plain ``en`` and the pseudo-language: English)."""
    from babel import Locale

    if tag == PSEUDO:
        return Locale.parse("en_GB")
    parts = tag.replace("-", "_")
    try:
        return Locale.parse(parts)
    except (ValueError, LookupError):
        return Locale.parse(base_language(tag))


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class PseudoTranslations(_gettext.NullTranslations):
    """Every message wrapped in ⟦…⟧ (the pseudo-language): shows what is not translated."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


@lru_cache(maxsize=16)
def catalog(language: str) -> Catalog | None:
    """The ``.po`` catalog of a base language, read once per process (None: English, or no
    catalog)."""
    path = catalog_path(language)
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@lru_cache(maxsize=16)
def translations(tag: str) -> _gettext.NullTranslations:
    """The catalog of a tag's language, compiled from its ``.po`` file once per process
    (English: the message ids themselves)."""
    if tag == PSEUDO:
        return PseudoTranslations()
    found = catalog(base_language(tag))
    if found is None:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    compiled = BytesIO()
    write_mo(compiled, found, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def gettext(tag: str, message: str, **params: Any) -> str:
    """``message`` in the tag's language, its ``%(name)s`` places filled from ``params``."""
    text = translations(tag).gettext(message)
    return text % params if params else text


def ngettext(tag: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural of a message for ``n``, filled from ``params`` (and ``num``)."""
    text = translations(tag).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def script_words(tag: str, messages: list[str | tuple[str, str]]) -> bytes | None:
    """``assets/words.js`` of a language: the scripts' ``messages`` (as ``pybabel extract``
    finds them in app.js and unlock.js) in that language, its plural rule and its tag, for
    ``window.postrunWords``. None for English (the scripts' own words)."""
    if tag == DEFAULT_LANGUAGE:
        return None
    found = catalog(base_language(tag))
    expression = "(n != 1)"
    if found is not None and found.plural_expr:
        expression = str(found.plural_expr)
    out: dict[str, str | list[str]] = {}
    for message in messages:
        key = message if isinstance(message, str) else message[0]
        if tag == PSEUDO:
            out[key] = f"⟦{key}⟧" if isinstance(message, str) else [f"⟦{m}⟧" for m in message]
            continue
        entry = found.get(key) if found is not None else None
        if entry is None or entry.fuzzy:
            continue
        text = entry.string
        if isinstance(text, str) and text:
            out[key] = text
        elif isinstance(text, tuple) and all(text):
            out[key] = list(text)
    body = json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    script = (
        "/* postrun: her language's words for app.js and unlock.js (generator/locale). */\n"
        f"window.postrunWords = {{lang: {json.dumps(tag)}, "
        f"plural: function (n) {{ return Number({expression}); }}, messages: {body}}};\n"
    )
    return script.encode("utf-8")


# ---------------------------------------------------------------- words and dates of a language

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_ABBRS = tuple(name[:3] for name in DAY_NAMES)
MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
"""By month number (1-12)."""
MONTH_ABBRS = tuple(name[:3] for name in MONTH_NAMES)

_OWN_ENGLISH: dict[str, Callable[[date], str]] = {
    # postrun's own English formats (a plain ``en``): day before month, no commas. The names
    # are those of Python's (C locale) ``%a``/``%A``/``%b``/``%B``, as postrun always wrote
    # them, looked up rather than formatted (``strftime`` costs some 20 times more, and dates
    # are on every day of every page); no CLDR data needed.
    "day": lambda d: f"{DAY_ABBRS[d.weekday()]} {d.day} {MONTH_ABBRS[d.month]}",
    "long": lambda d: f"{DAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month]} {d.year}",
    "short": lambda d: f"{d.day} {MONTH_ABBRS[d.month]} {d.year}",
    "dayyear": lambda d: f"{DAY_ABBRS[d.weekday()]} {d.day} {MONTH_ABBRS[d.month]} {d.year}",
    "month": lambda d: f"{MONTH_NAMES[d.month]} {d.year}",
    "month_abbr": lambda d: MONTH_ABBRS[d.month],
    "date": lambda d: f"{d.day} {MONTH_NAMES[d.month]} {d.year}",
}
_SKELETONS = {"day": "MMMEd", "short": "yMMMd", "dayyear": "yMMMEd", "month": "yMMMM"}


def _pattern(locale: Locale, style: str) -> str:
    """A CLDR date pattern of ``locale`` for one of postrun's date styles."""
    from babel.dates import match_skeleton

    if style == "long":
        return str(locale.date_formats["full"].pattern)
    if style == "month_abbr":
        return "LLL"
    if style == "date":
        return str(locale.date_formats["long"].pattern)
    skeleton = _SKELETONS[style]
    best = match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    return str(locale.datetime_skeletons[best].pattern) if best in locale.datetime_skeletons else (
        skeleton
    )


class Words:
    """Everything postrun writes in one language: messages from its catalog, dates, weekday
    and month names, durations and lists from CLDR. One per language tag and process
    (:func:`words`); each date is formatted once."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.language = base_language(tag)
        self.translations = translations(tag)
        self.pseudo = tag == PSEUDO
        self.own_english = tag in (DEFAULT_LANGUAGE, PSEUDO)
        """A plain ``en`` (and the pseudo-language) keep postrun's own English formats."""
        self.locale: Locale | None = None if self.own_english else babel_locale(tag)
        self.patterns: dict[str, str] = {}
        if self.locale is not None:
            self.patterns = {style: _pattern(self.locale, style) for style in _OWN_ENGLISH}
        self._dates: dict[tuple[date, str], str] = {}
        # Numbers and doses are written on every strength day (pages and calendar): once each.
        self.number = lru_cache(maxsize=None)(self._number)
        self.dose = lru_cache(maxsize=None)(self._dose)
        self._durations: dict[int, str] = {}

    def __repr__(self) -> str:
        return f"Words({self.tag!r})"

    # -- messages

    def gettext(self, message: str, **params: Any) -> str:
        """``message`` in this language, its ``%(name)s`` places filled from ``params``."""
        text = self.translations.gettext(message)
        return text % params if params else text

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in this language, where the same English word could mean two things
        (``context`` says which)."""
        return self.translations.pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        """The singular or plural for ``n``, filled from ``params`` (``%(num)s`` is ``n``)."""
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": self.number(n), **params}

    def pseudo_wrap(self, text: str) -> str:
        return f"⟦{text}⟧" if self.pseudo else text

    # -- numbers, dates, durations, lists

    def _number(self, value: int) -> str:
        if self.locale is None:
            return str(value)
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.locale))

    def date(self, value: date, style: str = "day") -> str:
        """``value`` written in one of postrun's styles: ``day`` (Tue 24 Nov), ``long``
        (Tuesday 24 November 2026), ``short`` (24 Nov 2026), ``dayyear`` (Tue 24 Nov 2026),
        ``month`` (November 2026), each as this language and region write it."""
        key = (value, style)
        text = self._dates.get(key)
        if text is None:
            if self.locale is None:
                text = _OWN_ENGLISH[style](value)
            else:
                from babel.dates import format_date

                text = format_date(value, self.patterns[style], locale=self.locale)
            text = self._dates[key] = self.pseudo_wrap(text)
        return text

    def weekdays(self, width: str = "wide") -> tuple[str, ...]:
        """Monday … Sunday (``abbreviated``: Mon … Sun), as a calendar's column heads."""
        if self.locale is None:
            own = DAY_NAMES if width == "wide" else DAY_ABBRS
            return tuple(self.pseudo_wrap(name) for name in own)
        names = self.locale.days["stand-alone" if width != "wide" else "format"][width]
        return tuple(self.pseudo_wrap(str(names[i])) for i in range(7))

    def duration(self, seconds: int) -> str:
        """``90`` -> ``1 min 30 s`` (German ``1 Min. 30 Sek.``); ``300`` -> ``5 min``."""
        text = self._durations.get(seconds)
        if text is None:
            minutes, secs = divmod(seconds, 60)
            if self.locale is None:
                parts = [f"{minutes} min"] if minutes else []
                parts += [f"{secs} s"] if secs or not minutes else []
            else:
                parts = [self._unit(minutes, "duration-minute")] if minutes else []
                parts += [self._unit(secs, "duration-second")] if secs or not minutes else []
            text = self._durations[seconds] = self.pseudo_wrap(" ".join(parts))
        return text

    def minutes(self, minutes: int) -> str:
        """``5 min`` (German ``5 Min.``): a chart's axis."""
        if self.locale is None:
            return self.pseudo_wrap(f"{minutes} min")
        return self._unit(minutes, "duration-minute")

    def _unit(self, value: int, unit: str) -> str:
        from babel.units import format_unit

        return str(format_unit(value, unit, "short", locale=self.locale))

    def _dose(self, dosage: Dosage) -> str:
        """``2 × 8 each side``: the dose of an exercise, in this language."""
        if self.own_english and not self.pseudo:
            return dosage.text()
        if dosage.reps is not None:
            amount = self.number(dosage.reps)
        else:
            amount = self.duration(dosage.seconds or 0)
        parts = [f"{self.number(dosage.sets)} × {amount}" if dosage.sets > 1 else amount]
        if dosage.each_side:
            parts.append(self.gettext("each side"))
        if dosage.per:
            parts.append(dosage.per)
        return " ".join(parts)

    def either(self, items: list[str]) -> str:
        """``a, b or c`` in this language."""
        if self.locale is None:
            if len(items) < 2:
                return "".join(items)
            return f"{', '.join(items[:-1])} or {items[-1]}"
        from babel.lists import format_list

        return str(format_list(items, style="or", locale=self.locale))


@lru_cache(maxsize=16)
def words(tag: str) -> Words:
    """The :class:`Words` of a language tag, made once per process."""
    return Words(tag)


def _is_region(text: str) -> bool:
    """Whether ``text`` is a two-letter region code (``GB``). Plain string tests: a pattern
    made from a profile's words would be kept in the cache of compiled ones (regexcache)."""
    return len(text) == 2 and text.isascii() and text.isalpha() and text.isupper()
