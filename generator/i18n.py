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
import hashlib
import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale, localedata
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

if TYPE_CHECKING:
    from .models import Profile, Site

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

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "postrun"

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|[0-9]{3}))?$")


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
    if len(parts) > 1 and not localedata.exists("_".join(parts)):
        regions = sorted(
            name.replace("_", "-")
            for name in localedata.locale_identifiers()
            if re.fullmatch(rf"{base}_[A-Z]{{2}}", name)
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
def translations(tag: str) -> _gettext.NullTranslations:
    """The catalog of a tag's language, compiled from its ``.po`` file once per process
    (English: the message ids themselves)."""
    if tag == PSEUDO:
        return PseudoTranslations()
    language = base_language(tag)
    path = catalog_path(language)
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
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


@lru_cache(maxsize=1)
def catalog_digest() -> str:
    """A digest of every catalog: a changed translation rebuilds every client."""
    digest = hashlib.sha256()
    for path in sorted(LOCALE_DIR.rglob("*.po")):
        digest.update(path.relative_to(LOCALE_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
