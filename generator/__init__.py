"""postrun: personal return-to-running websites for postpartum clients."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("postrun")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
