"""The workspace secret that makes each client's folder name unguessable."""

from __future__ import annotations

import hmac
import re
import secrets
from pathlib import Path

from ..errors import Problems
from .read import read_text

SECRET_FILE = ".postrun-secret"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def slug_suffix(secret: bytes, name: str) -> str:
    """Six characters nobody can guess without the workspace's secret, stable across builds."""
    number = int.from_bytes(hmac.digest(secret, name.encode("utf-8"), "sha256")[:8], "big")
    chars = []
    for _ in range(6):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def workspace_secret(root: Path, problems: Problems) -> bytes | None:
    """The workspace's secret (made on first use); it keeps client folder names unguessable."""
    path = root / SECRET_FILE
    if not path.exists():
        try:
            path.write_text(secrets.token_hex(32) + "\n", "utf-8")
        except OSError as exc:
            problems.add(
                SECRET_FILE,
                None,
                None,
                f"cannot create the file ({exc.strerror})",
                "make the workspace folder writable",
            )
            return None
        problems.add(
            SECRET_FILE,
            None,
            None,
            "created a new secret that makes each client's web address unguessable",
            "keep this file with your workspace (private); losing it changes every "
            "client's address",
            "warning",
        )
    text = read_text(path, SECRET_FILE, problems)
    if text is None:
        return None
    value = text.strip()
    if not re.fullmatch(r"[0-9a-f]{32,128}", value):
        problems.add(
            SECRET_FILE,
            1,
            None,
            "the secret is damaged (expected 64 hex characters)",
            "restore it from your backup; deleting it gives every client a new address",
        )
        return None
    return value.encode("ascii")
