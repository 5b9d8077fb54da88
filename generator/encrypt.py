"""Passphrase protection of one client's folder (profile field ``passphrase_env``).

Her rendered files go in, the files to publish come out:

- every page (``*.html``) becomes a locked shell page, the same for every page of hers apart
  from its payload: the practice's name, a passphrase form, and the original page encrypted;
  ``assets/unlock.js`` decrypts it in her browser (WebCrypto) and shows the original page;
- every other file of hers that is not shared content (``plan.json``, ``calendar.ics``) is
  published only encrypted, as ``<name>.enc``;
- the web app manifest loses her name (the renderer then writes the service worker for the
  published files);
- the stylesheet, scripts, icon and exercise images stay as they are: they are the same for
  every client.

Format, shared with ``templates/assets/unlock.js``: key = PBKDF2-HMAC-SHA256(passphrase,
salt, ITERATIONS, 32 bytes); every file is ``nonce (12 random bytes) || AES-256-GCM
ciphertext || tag (16 bytes)``; a page's payload is that, base64, in a data block
``<script type="application/octet-stream" id="postrun-payload">``. The salt is 16 bytes of
SHA-256 over the slug: unique per client and stable across builds, so the key her browser keeps
for the visit still opens the pages after her coach rebuilds them. The passphrase is
normalised before use (NFC, outer spaces dropped, inner runs of spaces made one) exactly as
unlock.js does, so a phone keyboard's extra space does not lock her out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

ITERATIONS = 600_000
"""PBKDF2-SHA256 rounds (OWASP's 2023 minimum): about a third of a second per guess."""
NONCE_BYTES = 12
SALT_BYTES = 16
ENCRYPTED_SUFFIX = ".enc"
UNLOCK_ASSETS = ("assets/unlock.js", "assets/unlock.css")
NEUTRAL_NAME = "Running plan"

# The same characters as SPACES in unlock.js (not \s: Python and JavaScript disagree on it).
_SPACES = re.compile("[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def normalize_passphrase(passphrase: str) -> bytes:
    """The bytes the key is derived from: NFC, spaces trimmed and collapsed, UTF-8."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", passphrase)).strip(" ")
    return text.encode("utf-8")


def client_salt(slug: str) -> bytes:
    return hashlib.sha256(b"postrun-salt\0" + slug.encode("utf-8")).digest()[:SALT_BYTES]


def derive_key(passphrase: str, slug: str, iterations: int = ITERATIONS) -> bytes:
    """Her 256-bit key (slow on purpose: derive it once per client and build)."""
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA256(), length=32, salt=client_salt(slug), iterations=iterations
    )
    return kdf.derive(normalize_passphrase(passphrase))


def seal(key: bytes, data: bytes) -> bytes:
    """nonce || AES-256-GCM(data) || tag, with a fresh random nonce."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, None)


def unseal(key: bytes, blob: bytes) -> bytes:
    """The inverse of :func:`seal` (raises ``cryptography.exceptions.InvalidTag``)."""
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class LockKit(Protocol):
    """What encryption needs from the renderer (:class:`generator.render.Renderer`), and no
    more."""

    @property
    def shared_names(self) -> frozenset[str]:
        """Files the same for every client (assets, media): published as they are."""
        ...

    def locked_page(self, context: Mapping[str, Any]) -> bytes:
        """The locked shell page (``locked.html``) rendered with this context."""
        ...

    def template_file(self, rel: str) -> bytes:
        """A static file from the templates, e.g. ``assets/unlock.js``."""
        ...


def encrypt_client(
    files: Mapping[str, bytes], passphrase: str, slug: str, kit: LockKit
) -> dict[str, bytes]:
    """Her folder as published when protected (without sw.js, which the renderer writes last
    for exactly these files): see the module's docstring."""
    key = derive_key(passphrase, slug)
    salt = _b64(client_salt(slug))
    out: dict[str, bytes] = {}
    for rel, data in sorted(files.items()):
        if rel == "sw.js":
            continue
        if rel in kit.shared_names:
            out[rel] = data
        elif rel == "manifest.webmanifest":
            out[rel] = _neutral_manifest(data)
        elif rel.endswith(".html"):
            context = {"payload": _b64(seal(key, data)), "salt": salt, "iterations": ITERATIONS}
            out[rel] = kit.locked_page(context)
        else:
            out[rel + ENCRYPTED_SUFFIX] = seal(key, data)
    for rel in UNLOCK_ASSETS:
        out[rel] = kit.template_file(rel)
    return out


def _neutral_manifest(data: bytes) -> bytes:
    """The manifest with her name taken out ("Add to home screen" shows it)."""
    manifest = json.loads(data)
    manifest["name"] = manifest["short_name"] = NEUTRAL_NAME
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
