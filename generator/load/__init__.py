"""Load stage: read a workspace's YAML, front matter and Markdown into validated models.

Every problem found is collected (file, line, field, message, hint) and raised together as one
:class:`~generator.errors.PostrunError`, so a coach fixes a whole batch per run. One module per
file kind; :mod:`.read` and :mod:`.fields` are what they share, and :mod:`.schema` declares
every field once.

The names below are imported on first use (a no-op build needs only :mod:`.paths`, and must not
pay for YAML, Markdown and the models it never touches).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .exercises import load_exercises
    from .fields import ID_RE, SLUG_RE, Fields
    from .markup import MarkdownRenderer
    from .pages import load_pages
    from .paths import SECRET_FILE, profile_paths, same_client_files
    from .profile import (
        PROFILE_FIELDS,
        iter_profiles,
        load_profile,
        load_profiles,
        read_profile,
        stale_start,
    )
    from .protocol import load_protocol
    from .read import MAX_FILE_BYTES, read_mapping, read_text, split_front_matter
    from .secret import (
        client_folders,
        guard_missing_secret,
        guard_moves,
        guard_site,
        moved_clients,
        slug_suffix,
        workspace_secret,
    )
    from .site import load_site
    from .workspace import load_workspace

_WHERE = {
    "exercises": ("load_exercises",),
    "fields": ("ID_RE", "SLUG_RE", "Fields"),
    "markup": ("MarkdownRenderer",),
    "pages": ("load_pages",),
    "paths": ("SECRET_FILE", "profile_paths", "same_client_files"),
    "profile": (
        "PROFILE_FIELDS", "iter_profiles", "load_profile", "load_profiles", "read_profile",
        "stale_start",
    ),
    "protocol": ("load_protocol",),
    "read": ("MAX_FILE_BYTES", "read_mapping", "read_text", "split_front_matter"),
    "secret": (
        "client_folders", "guard_missing_secret", "guard_moves", "guard_site", "moved_clients",
        "slug_suffix", "workspace_secret",
    ),
    "site": ("load_site",),
    "workspace": ("load_workspace",),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "ID_RE",
    "MAX_FILE_BYTES",
    "PROFILE_FIELDS",
    "SECRET_FILE",
    "SLUG_RE",
    "Fields",
    "MarkdownRenderer",
    "client_folders",
    "guard_missing_secret",
    "guard_moves",
    "guard_site",
    "iter_profiles",
    "load_exercises",
    "load_pages",
    "load_profile",
    "load_profiles",
    "load_protocol",
    "load_site",
    "load_workspace",
    "moved_clients",
    "profile_paths",
    "read_mapping",
    "read_profile",
    "read_text",
    "same_client_files",
    "slug_suffix",
    "split_front_matter",
    "stale_start",
    "workspace_secret",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once found, a plain attribute
    return value
