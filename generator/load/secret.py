"""The workspace secret that makes each client's folder name unguessable."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import PostrunError, Problem, Problems
from .paths import SECRET_FILE as SECRET_FILE
from .read import read_mapping, read_text

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
            import secrets  # only for a new workspace

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


# ------------------------------------------------------------------ guarding the addresses

NEW_SECRET_HINT = (
    "restore .postrun-secret from your backup (or copy it from the computer that made those "
    "sites); only to give every client a new address on purpose, run again with --new-secret "
    "and send each client her new link"
)


def client_folders(site: Path) -> set[str]:
    """The client folders of a built site (the root holds only files)."""
    if not site.is_dir():
        return set()
    return {p.name for p in site.iterdir() if p.is_dir() and not p.name.startswith(".")}


def _by_stem(folders: Iterable[str]) -> dict[str, set[str]]:
    """Folders shaped like an address made from a file name (``name-6chars``), by that name."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        match = re.fullmatch(r"(.+)-[a-z0-9]{6}", folder)
        if match:
            found.setdefault(match[1], set()).add(folder)
    return found


def moved_clients(
    old: set[str], new: set[str], stems: Iterable[str]
) -> list[tuple[str, str]]:
    """(old folder, new folder) for each client whose address made from her file name differs
    between two sites: what a changed or lost secret does. A ``slug:`` that keeps her old
    address is not a move."""
    before, after = _by_stem(old), _by_stem(new)
    moves: list[tuple[str, str]] = []
    for stem in sorted(set(stems)):
        key = stem.lower()[:56]
        was, now = before.get(key, set()), after.get(key, set())
        if was and now and was.isdisjoint(now):
            moves.append((min(was), min(now)))
    return moves


def guard_missing_secret(
    root: Path, folders: set[str], stems: Iterable[str], where: str, new_secret: bool
) -> None:
    """Refuse to make a new secret while ``where`` holds sites made with the lost one."""
    if new_secret or (root / SECRET_FILE).exists():
        return
    made = _by_stem(folders)
    used = sorted({f for s in stems for f in made.get(s.lower()[:56], ())})
    if used:
        raise PostrunError(
            Problem(
                SECRET_FILE,
                None,
                None,
                f"the file is missing, but {where} holds {_clients(len(used))} whose addresses "
                f"were made with it ({_listing(used)}); a new secret would move every one of "
                "them and break the links you sent",
                NEW_SECRET_HINT,
            )
        )


def guard_moves(moves: list[tuple[str, str]], where: str, new_secret: bool) -> list[Problem]:
    """Refuse to move clients to new addresses unless ``new_secret``; then one warning each."""
    if not moves:
        return []
    if not new_secret:
        raise PostrunError(
            Problem(
                SECRET_FILE,
                None,
                None,
                f"{where} holds {_clients(len(moves))} made with another secret: this one would "
                f"move {'them' if len(moves) != 1 else 'her'} to new addresses "
                f"({_listing([f'{a} → {b}' for a, b in moves])})",
                NEW_SECRET_HINT,
            )
        )
    return [
        Problem(
            SECRET_FILE,
            None,
            None,
            f"her address changes (--new-secret): {a}/ → {b}/",
            "send her the new link; the old one stops working",
            "warning",
        )
        for a, b in moves
    ]


def _clients(count: int) -> str:
    return f"{count} client site{'s' if count != 1 else ''}"


def _listing(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def guard_site(root: Path, site: Path, profiles: list[Path], new_secret: bool) -> list[Problem]:
    """Before a preview or a publish without build: would today's secret move the clients
    already in ``site``? (Each profile's own ``slug:`` is read, unvalidated.)"""
    stems = [p.stem for p in profiles]
    folders = client_folders(site)
    where = "site/" if site == root / "site" else f"{site}/"
    guard_missing_secret(root, folders, stems, where, new_secret)
    path = root / SECRET_FILE
    if not folders or not path.is_file():
        return []
    value = path.read_text("utf-8", "replace").strip().encode("ascii", "replace")
    new: set[str] = set()
    for profile in profiles:
        data = read_mapping(profile, f"profiles/{profile.name}", Problems())
        own = data.get("slug") if data is not None else None
        slug = profile.stem.lower()
        new.add(own if isinstance(own, str) and own else f"{slug[:56]}-{slug_suffix(value, slug)}")
    return guard_moves(moved_clients(folders, new, stems), where, new_secret)
