"""Protected clients' passphrases: read from the environment, at the edge, never stored."""

from __future__ import annotations

import os

from .errors import Problem, Problems
from .models import ProfileRef


def read_passphrases(
    profiles: tuple[ProfileRef, ...], skip: list[Problem] | None = None
) -> dict[str, str]:
    """Each protected client's passphrase, from the environment (read here, at the edge).

    A missing or short passphrase is an error; with a ``skip`` list (the preview), it is put
    there and only that client is left out."""
    found: dict[str, str] = {}
    problems = Problems()
    for profile in profiles:
        name = profile.passphrase_env
        if name is None:
            continue
        value = os.environ.get(name, "")
        if not value:
            problems.add(
                profile.file,
                None,
                "passphrase_env",
                f"the environment variable {name} is not set",
                f"set it before building, e.g. `export {name}='…'`; it is never stored",
            )
        elif len(_trimmed(value)) < 8:
            problems.add(
                profile.file,
                None,
                "passphrase_env",
                f"the passphrase in {name} is shorter than 8 characters",
                "use four or more random words, e.g. 'maple tide orbit kettle'",
            )
        else:
            found[profile.slug] = value
    if skip is not None:
        skip.extend(
            Problem(p.file, p.line, p.field, p.message, p.hint, "warning") for p in problems
        )
        return found
    problems.raise_if_errors()
    return found


def _trimmed(passphrase: str) -> str:
    """The passphrase as it unlocks her site: spaces trimmed and collapsed (see encrypt)."""
    from .encrypt import normalize_passphrase

    try:
        return normalize_passphrase(passphrase).decode("utf-8")
    except UnicodeError:
        return ""
