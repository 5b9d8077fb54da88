"""``content/site.yaml``: the practice's settings."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problems
from ..models import (
    Site,
)
from .fields import Fields, _fresh
from .read import read_mapping


def load_site(root: Path, problems: Problems) -> Site | None:
    rel = "content/site.yaml"
    data = read_mapping(root / rel, rel, problems)
    if data is None:
        return None
    start = len(problems.errors)
    f = Fields(data, rel, problems)
    practice = f.text("practice", required=True)
    coach = f.text("coach", required=True)
    contact = f.text("contact")
    language = f.text("language", default="en")
    if language and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language):
        f.error(
            "language", f"`language` must be a language tag like en or en-GB (got {language!r})"
        )
    base_url = f.text("base_url") or None
    if base_url is not None:
        if not re.fullmatch(r"https://[^\s/]+(/[^\s]*)?", base_url):
            f.error(
                "base_url",
                f"`base_url` must start with https:// (got {base_url!r})",
                "e.g. https://your-name.github.io/your-repo/",
            )
        elif not base_url.endswith("/"):
            base_url += "/"
    cname = f.text("cname") or None
    if cname is not None and not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", cname):
        f.error("cname", f"`cname` must be a bare domain like plans.example.com (got {cname!r})")
    email = f.text("email")
    if email and not re.fullmatch(r"[^@\s<>\"',;:]+@[^@\s<>\"',;:]+\.[^@\s<>\"',;:]+", email):
        f.error(
            "email",
            f"`email` must be one e-mail address (got {email!r})",
            "e.g. coach@example.com",
        )
    phone = f.text("phone")
    if phone and not re.fullmatch(r"\+?[0-9][0-9 ()./-]{3,30}", phone):
        f.error(
            "phone",
            f"`phone` must be a phone number (got {phone!r})",
            "digits, spaces and an optional leading +, e.g. +44 20 7946 0000",
        )
    f.finish()
    if not _fresh(problems, start):
        return None
    return Site(practice, coach, contact, language, base_url, cname, email, phone)
