"""postrun: personal return-to-running websites for postpartum clients."""

from __future__ import annotations

# The one place the version is written (pyproject.toml reads it from here); reading package
# metadata instead would cost a noticeable part of a one-client rebuild.
__version__ = "0.1.0"
