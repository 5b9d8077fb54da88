"""Load stage: read a workspace's YAML, front matter and Markdown into validated models.

Every problem found is collected (file, line, field, message, hint) and raised together as one
:class:`~generator.errors.PostrunError`, so a coach fixes a whole batch per run. One module per
file kind; :mod:`.read` and :mod:`.fields` are what they share, and :mod:`.schema` declares
every field once.
"""

from __future__ import annotations

from .exercises import load_exercises
from .fields import ID_RE, SLUG_RE, Fields
from .markup import MarkdownRenderer
from .pages import load_pages
from .profile import (
    PROFILE_FIELDS,
    iter_profiles,
    load_profile,
    load_profiles,
    profile_paths,
    read_profile,
    same_client_files,
    stale_start,
)
from .protocol import load_protocol
from .read import MAX_FILE_BYTES, read_mapping, read_text, split_front_matter
from .secret import (
    SECRET_FILE,
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
