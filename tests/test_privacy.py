"""Privacy of the published site, and passphrase protection (`passphrase_env`).

A protected client is built twice from the same profile, once plain (into another --out) and
once protected; everything of hers that is readable in the plain build (her name, every date
of her plan, exercise text) must be absent from every published file of the protected build,
in the usual encodings, and every encrypted file must decrypt back to the plain build's bytes.
"""

from __future__ import annotations

import base64
import html
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from cryptography.exceptions import InvalidTag

from generator import render
from generator.cli import cli
from generator.encrypt import (
    ITERATIONS,
    NONCE_BYTES,
    client_salt,
    derive_key,
    normalize_passphrase,
    unseal,
)

from .conftest import REPO, SAM, Workspace, make_workspace
from .sitecheck import broken_links, external, html_files, parse

PASSPHRASE = "maple tide orbit kettle"
ENV = "ZOE_PASSPHRASE"
SLUG = "client-7q2m"
NAME = "Zoë Núñez-Ångström"
ZOE = "profiles/zoe.yaml"

PAYLOAD = re.compile(rb'(<script type="application/octet-stream" id="postrun-payload"[^>]*>)'
                     rb"([A-Za-z0-9+/=]*)(</script>)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def zoe_profile(protected: bool) -> str:
    """Sam's example profile as Zoë: a non-ASCII name, a neutral slug, maybe a passphrase."""
    text = (REPO / "profiles" / "sam-rivera.yaml").read_text("utf-8")
    text = text.replace("name: Sam Rivera", f"name: {NAME}\nslug: {SLUG}", 1)
    text = text.replace("Sam!", "Zoë!")
    if protected:
        text += f"passphrase_env: {ENV}\n"
    return text


def build(runner: CliRunner, root: Path, *args: str) -> Result:
    return runner.invoke(cli, ["-C", str(root), "build", "-q", *args])


def build_sites(root: Path) -> tuple[Path, Path, Path]:
    """(workspace root, her plain folder, her protected folder), same plan, same stamp."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
        mp.setenv(ENV, PASSPHRASE)
        make_workspace(root, {ZOE: zoe_profile(False)})
        result = build(runner, root, "--out", str(root.parent / "plain"))
        assert result.exit_code == 0, result.output
        (root / ZOE).write_text(zoe_profile(True), "utf-8")
        result = build(runner, root)
        assert result.exit_code == 0, result.output
    return root, root.parent / "plain" / SLUG, root / "site" / SLUG


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The two builds, made once for the tests that only read them."""
    return build_sites(tmp_path_factory.mktemp("privacy") / "ws")


# ------------------------------------------------------------------ what must not show


def _date_forms(iso: str) -> list[str]:
    from datetime import date

    d = date.fromisoformat(iso)
    return [iso, d.strftime("%Y%m%d"), f"{d.day} {d:%B %Y}", f"{d.day} {d:%b %Y}",
            f"{d:%A} {d.day} {d:%B}", f"{d.day}/{d.month}/{d.year}"]


def _sentences() -> list[str]:
    """Sentences of the exercises' instructions (the Markdown bodies), plain text only."""
    found: list[str] = []
    for path in sorted((REPO / "content" / "exercises").glob("*.md")):
        body = path.read_text("utf-8").split("---", 2)[2]
        for line in body.splitlines():
            line = re.sub(r"^\s*(?:\d+\.|[-*])\s*", "", line).strip()
            for sentence in re.split(r"(?<=[.!?])\s+", line):
                if len(sentence) >= 30 and not re.search(r"[*_`'\"&<>\[\]]", sentence):
                    found.append(sentence)
    return found


def _titles() -> list[str]:
    titles = []
    for path in sorted((REPO / "content" / "exercises").glob("*.md")):
        match = re.search(r"^title:\s*(.+)$", path.read_text("utf-8"), re.MULTILINE)
        assert match
        titles.append(match.group(1).strip().strip("\"'"))
    return titles


def _encodings(text: str) -> set[bytes]:
    """``text`` as it could appear in a file: UTF-8 (NFC, NFD), JSON, HTML, UTF-16, URL."""
    forms: set[bytes] = set()
    for variant in {text, unicodedata.normalize("NFD", text)}:
        forms.add(variant.encode("utf-8"))
        forms.add(json.dumps(variant)[1:-1].encode("ascii"))
        forms.add(html.escape(variant).encode("utf-8"))
        forms.add(variant.encode("ascii", "xmlcharrefreplace"))
        forms.add("".join(f"&#x{ord(c):x};" if ord(c) > 127 else c for c in variant).encode())
        forms.add(variant.encode("utf-16-le"))
        forms.add(variant.encode("utf-16-be"))
        forms.add(quote(variant).encode("ascii"))
    return forms


def _lower(data: bytes) -> bytes:
    """Case-folded bytes: ASCII always, and any UTF-8 text."""
    try:
        return data.decode("utf-8").lower().encode("utf-8")
    except UnicodeDecodeError:
        return data.lower()


def _published(folder: Path) -> dict[str, bytes]:
    """Every file of her folder, with the pages' encrypted payloads blanked (random base64
    holds any short string by chance; the payloads are proven to be ciphertext below)."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".html":
            data, count = PAYLOAD.subn(rb"\1\3", data)
            assert count == 1, path
        files[path.relative_to(folder).as_posix()] = data
    return files


def test_nothing_of_hers_is_published_in_the_clear(sites: tuple[Path, Path, Path]) -> None:
    root, plain, protected = sites
    plain_text = b"\n".join(p.read_bytes() for p in plain.rglob("*") if p.is_file())
    dates = sorted(set(ISO_DATE.findall((plain / "plan.json").read_text("utf-8"))))
    assert len(dates) > 50
    sentences = [s for s in _sentences() if s.encode() in plain_text]
    assert len(sentences) >= 10, sentences
    titles = [t for t in _titles() if t.encode() in plain_text]
    assert len(titles) >= 10
    secrets = [NAME, NAME.split()[0], "Núñez", "Ångström",
               *(form for iso in dates for form in _date_forms(iso)), *sentences]
    # The test would see each of them: everything of hers is readable in the plain build.
    for secret in [NAME, dates[0], dates[-1], sentences[0], titles[0]]:
        assert secret.encode() in plain_text, secret

    published = _published(protected)
    assert len(published) > 40
    leaks = []
    for rel, data in published.items():
        if rel.startswith("assets/"):
            # The same for every client (and not hers): checked byte for byte.
            assert data == (root / "templates" / rel).read_bytes(), rel
            continue
        binary = rel.endswith(".enc")
        haystack = _lower(data)
        for secret in secrets:
            for form in _encodings(secret):
                if binary and len(form) < 8:
                    continue  # random bytes hold any short string by chance
                if form.lower() in haystack:
                    leaks.append((rel, secret, form[:40]))
        # Titles: as written (file names like exercise-lunge.html are not protected).
        leaks.extend((rel, t, b"") for t in titles for f in _encodings(t) if f in data)
    assert leaks == []


def test_her_json_and_calendar_are_published_only_encrypted(
    sites: tuple[Path, Path, Path],
) -> None:
    _, plain, protected = sites
    assert (plain / "plan.json").is_file() and (plain / "calendar.ics").is_file()
    names = {p.name for p in protected.iterdir()}
    assert {"plan.json.enc", "calendar.ics.enc"} <= names
    assert not names & {"plan.json", "calendar.ics"}
    assert not [p for p in protected.rglob("*") if p.suffix in (".json", ".ics")]
    calendar = (protected / "calendar.html").read_bytes()
    assert b"webcal:" not in calendar


def test_every_protected_file_decrypts_to_the_plain_build(
    sites: tuple[Path, Path, Path],
) -> None:
    _, plain, protected = sites
    key = derive_key(PASSPHRASE, SLUG)
    nonces: set[bytes] = set()

    def opened(blob: bytes) -> bytes:
        assert len(blob) > NONCE_BYTES + 16
        nonces.add(blob[:NONCE_BYTES])
        return unseal(key, blob)

    pages = 0
    for path in sorted(p for p in plain.rglob("*") if p.is_file()):
        rel = path.relative_to(plain).as_posix()
        if rel in ("sw.js", "manifest.webmanifest"):
            continue  # rewritten for the published files / without her name (below)
        if rel.endswith(".html"):
            shell = (protected / rel).read_text("utf-8")
            match = PAYLOAD.search(shell.encode())
            assert match, rel
            attrs = dict(re.findall(r'data-(salt|iterations)="([^"]*)"', match.group(1).decode()))
            assert base64.b64decode(attrs["salt"]) == client_salt(SLUG)
            assert int(attrs["iterations"]) == ITERATIONS >= 600_000
            assert opened(base64.b64decode(match.group(2))) == path.read_bytes(), rel
            pages += 1
        elif (protected / rel).is_file():
            assert (protected / rel).read_bytes() == path.read_bytes(), rel  # shared assets
        else:
            assert opened((protected / f"{rel}.enc").read_bytes()) == path.read_bytes(), rel
    assert pages > 30
    assert len(nonces) == pages + 2, "every file has its own nonce"

    index = PAYLOAD.search((protected / "index.html").read_bytes())
    assert index
    blob = base64.b64decode(index.group(2))
    with pytest.raises(InvalidTag):
        unseal(derive_key("maple tide orbit kettles", SLUG), blob)
    with pytest.raises(InvalidTag):
        unseal(derive_key(PASSPHRASE, "another-client"), blob)


def test_the_manifest_and_service_worker_name_only_published_files(
    sites: tuple[Path, Path, Path],
) -> None:
    _, plain, protected = sites
    manifest = json.loads((protected / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["name"] == manifest["short_name"] == "Running plan"
    assert "Zo" in json.loads((plain / "manifest.webmanifest").read_text("utf-8"))["name"]
    worker = (protected / "sw.js").read_text("utf-8")
    listed = re.search(r"var FILES = (\[.*?\]);", worker, re.DOTALL)
    assert listed
    files = json.loads(listed.group(1))
    published = sorted(p.relative_to(protected).as_posix() for p in protected.rglob("*")
                       if p.is_file() and p.name != "sw.js")
    assert files == published
    assert "assets/unlock.js" in files and "calendar.ics.enc" in files
    # The cache name follows the published bytes: a rebuild replaces the copies on her phone.
    plain_worker = (plain / "sw.js").read_text("utf-8")
    cache = re.compile(r"var CACHE = (\"[^\"]+\");")
    assert cache.findall(worker) != cache.findall(plain_worker)
    assert len(cache.findall(worker)) == 1


def test_the_locked_page_says_nothing_about_her_and_is_the_same_on_every_page(
    sites: tuple[Path, Path, Path],
) -> None:
    _, _, protected = sites
    shells = {PAYLOAD.sub(rb"\1\3", p.read_bytes()) for p in html_files(protected)}
    assert len(shells) == 1
    shell = shells.pop().decode("utf-8")
    assert "<title>Protected plan · Riverside Postnatal Running</title>" in shell
    assert 'type="password"' in shell and 'autocomplete="current-password"' in shell
    assert '<label for="passphrase">' in shell and 'role="alert"' in shell
    assert '<script src="assets/unlock.js" defer></script>' in shell
    assert SLUG not in shell


def test_every_page_protected_or_not_is_noindex_with_csp_and_no_referrer(
    sites: tuple[Path, Path, Path],
) -> None:
    root, _, protected = sites
    site = root / "site"
    pages = html_files(site)
    assert len([p for p in pages if protected in p.parents]) > 30
    assert len([p for p in pages if (site / SAM) in p.parents]) > 30
    for page in pages:
        meta = parse(page).meta
        assert {"name": "robots", "content": "noindex, nofollow"} in meta, page
        assert {"name": "referrer", "content": "no-referrer"} in meta, page
        assert {"http-equiv": "Content-Security-Policy", "content": render.CSP} in meta, page
    found = [(p.relative_to(site).as_posix(), url) for p in pages
             for _, _, url in parse(p).urls if external(url)]
    assert found == []
    assert broken_links(site) == []
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert not (site / SAM / "assets" / "unlock.js").exists(), "plain clients are as before"


def test_the_site_root_lists_no_client(sites: tuple[Path, Path, Path]) -> None:
    root, _, _ = sites
    site = root / "site"
    listing = (site / "index.html").read_text("utf-8") + (site / "404.html").read_text("utf-8")
    assert "Riverside Postnatal Running" in listing
    for name in ("Zoë", "Núñez", SLUG, "Sam", "Priya", "Lena", *(p.name for p in site.iterdir()
                                                                if p.is_dir())):
        assert name not in listing


def test_a_new_passphrase_rebuilds_her_site_with_fresh_encryption(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _, protected = build_sites(tmp_path / "ws")  # its own: this test rebuilds
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    before = (protected / "plan.json.enc").read_bytes()
    monkeypatch.setenv(ENV, "a whole new passphrase")
    result = build(runner, root)  # an ordinary build notices the new passphrase
    assert result.exit_code == 0, result.output
    after = (protected / "plan.json.enc").read_bytes()
    assert after != before
    with pytest.raises(InvalidTag):
        unseal(derive_key(PASSPHRASE, SLUG), after)
    assert json.loads(unseal(derive_key("a whole new passphrase", SLUG), after))["client"] == {
        "name": NAME, "slug": SLUG}


def test_the_passphrase_is_normalised_like_the_browser_does() -> None:
    same = normalize_passphrase(PASSPHRASE)
    assert normalize_passphrase("  maple  tide\u00a0orbit\tkettle \n") == same
    assert normalize_passphrase("Maple tide orbit kettle") != same
    nfd = unicodedata.normalize("NFD", "crème brûlée four words")
    assert normalize_passphrase(nfd) == "crème brûlée four words".encode()


# ------------------------------------------------------------------ refused input


def test_an_unset_passphrase_variable_stops_the_build(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    root = workspace({ZOE: zoe_profile(True)})
    result = build(runner, root)
    assert result.exit_code == 1, result.output
    assert f"{ZOE}: passphrase_env: the environment variable {ENV} is not set" in result.output
    assert f"hint: set it before building, e.g. `export {ENV}=" in result.output
    assert not (root / "site").exists(), "nothing is built"


def test_a_short_passphrase_is_refused(
    runner: CliRunner, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "hush123")
    root = workspace({ZOE: zoe_profile(True)})
    result = build(runner, root)
    assert result.exit_code == 1, result.output
    assert f"{ZOE}: passphrase_env: the passphrase in {ENV} is shorter than 8" in result.output
    assert "hint: use four or more random words" in result.output
    assert "hush123" not in result.output, "the passphrase is never printed"


@pytest.mark.parametrize("value", ['"bad name"', '"$ZOE"', '"1ZOE"'])
def test_a_passphrase_env_that_is_not_a_variable_name_is_refused(
    runner: CliRunner, workspace: Workspace, value: str
) -> None:
    text = zoe_profile(False) + f"passphrase_env: {value}\n"
    root = workspace({ZOE: text})
    result = runner.invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 1, result.output
    line = text.splitlines().index(f"passphrase_env: {value}") + 1
    assert f"{ZOE}:{line}: passphrase_env: " in result.output
    assert "must be an environment variable name" in result.output
    assert "hint: e.g. SAM_PASSPHRASE" in result.output
