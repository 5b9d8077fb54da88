"""``content/site.yaml``: the practice's settings."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..i18n import DEFAULT_LANGUAGE
from ..models import Site
from .fields import Fields, _fresh, read_language
from .read import read_mapping
from .schema import SITE


def load_site(root: Path, problems: Problems) -> Site | None:
    rel = "content/site.yaml"
    data = read_mapping(root / rel, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    values = {spec.name: f.read(spec) for spec in SITE.fields}
    for key, message, hint in _SHAPES:
        value = values[key]
        if value and not f.matches(SITE.field(key), value):
            f.error(key, message.format(name=key, value=value), hint)
            values[key] = None
    values["language"] = read_language(f, "language", values["language"]) or DEFAULT_LANGUAGE
    if values["base_url"] and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    values["base_url"] = values["base_url"] or None
    values["cname"] = values["cname"] or None
    f.finish(SITE.names)
    if not _fresh(problems, start):
        return None
    return Site(**values)


_SHAPES = (
    (
        "base_url",
        "`{name}` must start with https:// (got {value!r})",
        "e.g. https://your-name.github.io/your-repo/",
    ),
    ("cname", "`{name}` must be a bare domain like plans.example.com (got {value!r})", None),
    ("email", "`{name}` must be one e-mail address (got {value!r})", "e.g. coach@example.com"),
    (
        "phone",
        "`{name}` must be a phone number (got {value!r})",
        "digits, spaces and an optional leading +, e.g. +44 20 7946 0000",
    ),
)
