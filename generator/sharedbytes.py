"""The bytes one build shares between clients: static assets, media, and the pages and
session cards that are the same for every client at her level.

Each is made once per build and handed out as the very same ``bytes`` object, so a writer can
tell (:meth:`SharedBytes.is_shared`) that a file may be hard-linked rather than copied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Session

__all__ = ["SharedBytes"]


class SharedBytes:
    """A registry of the build's shared files, pages and cards."""

    def __init__(self) -> None:
        self._ids: dict[int, bytes] = {}
        self._pages: dict[tuple[str, ...], bytes] = {}
        self._cards: dict[tuple[Any, ...], Any] = {}
        self._client_cards: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self._whose: tuple[Any, ...] = ()

    def share(self, data: bytes) -> bytes:
        """Register ``data`` as shared by every client; returns it."""
        self._ids[id(data)] = data
        return data

    def is_shared(self, data: bytes) -> bool:
        """Whether these bytes are one of the build's shared files (the same object for every
        client: assets, media, exercise and guide pages), so a writer may link, not copy."""
        return self._ids.get(id(data)) is data

    def page(self, key: tuple[str, ...], make: Callable[[], bytes]) -> bytes:
        """The page under ``key``, made (and registered as shared) the first time."""
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self.share(make())
        return page

    def card(
        self, session: Session, card: Any, level: int = 3, variant: str = "", lang: str = ""
    ) -> Any:
        """A session card that is the same for every client (strength, readiness, rest): made
        once per build and reused; run/walk cards carry her dates and log, so are made each
        time. ``card`` is the template's own macro, so overriding the template still works;
        ``variant`` is anything else of hers the card shows (her session time), ``lang`` the
        language it is written in."""
        if session.kind == "run_walk":
            return card(session, level)
        # Her plan hands every strength session of one kind the same tuple of exercises:
        # known by identity, it is neither hashed nor compared again (both are Python code).
        exercises = session.exercises
        quick = (id(exercises), session.kind, session.summary, session.notice,
                 session.reason, level, variant, lang)
        seen = self._client_cards.get(quick)
        if seen is not None and seen[0] is exercises:
            return seen[1]
        key = (session.kind, exercises, session.summary, session.notice,
               session.reason, level, variant, lang, self._whose)
        html = self._cards.get(key)
        if html is None:
            html = self._cards[key] = card(session, level)
        self._client_cards[quick] = (exercises, html)
        return html

    def next_client(self, whose: tuple[Any, ...] = ()) -> None:
        """Forget what was known of the last client's plan (her cards stay shared). ``whose``
        is what of the next client a card shows besides its session (her starting level: a
        card names a version that is not hers), so clients share a card only when it is the
        same for both."""
        self._client_cards.clear()
        self._whose = whose
