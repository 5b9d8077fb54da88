"""The publish verb: commit site/ as the tip of a branch (gh-pages) and push it.

Like ghp-import, the files are streamed into ``git fast-import``: nothing is checked out, and
the working tree, the index and the current branch are never touched. Unlike ghp-import, every
git failure stops the publish with git's own words.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import msgspec

from .build import Progress, source_date
from .build import build as run_build
from .errors import PostrunError, Problem, Problems, did_you_mean
from .load import (
    client_folders,
    guard_missing_secret,
    guard_moves,
    guard_site,
    load_site,
    moved_clients,
    profile_paths,
)

DEFAULT_IDENTITY = ("postrun", "postrun@localhost")
# fast-import writes here first, so that a publish with nothing new never moves the branch.
STAGING_REF = "refs/postrun/publish"
# A scp-like git address such as git@github.com:user/plans.git (but not C:\ on Windows).
_SCP_LIKE = re.compile(r"^(?:[^@/:\s]+@)?[^@/:\s]{2,}:")


class PublishResult(msgspec.Struct, frozen=True):
    clients: int
    branch: str
    commit: str
    """The branch's tip after the publish (full object id)."""
    changed: bool
    """A new commit was made (False: site/ was identical to the branch's last commit)."""
    remote: str | None
    """Where it was pushed; None with ``push=False``."""
    moved_remote: bool
    """The push changed the remote's branch (False when it already had this commit)."""
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        """One line for the coach."""
        short = self.commit[:7]
        clients = f"{self.clients} client{'s' if self.clients != 1 else ''}"
        if self.changed:
            if self.remote is None:
                where = f"{self.branch} (commit {short})"
                return f"Committed {clients} to {where}, not pushed (--no-push)"
            return f"Published {clients} to {self.remote} {self.branch} (commit {short})"
        if self.remote is None:
            return (
                f"Nothing changed, nothing published: {self.branch} is already at commit {short} "
                "(not pushed: --no-push)"
            )
        if self.moved_remote:
            return (
                f"Nothing changed since commit {short}; pushed it to {self.remote} {self.branch} "
                "(it was not there yet)"
            )
        return (
            f"Nothing changed, nothing published: {self.remote} {self.branch} is already at "
            f"commit {short}"
        )


def publish(
    root: Path,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    build: bool = True,
    progress: Progress | None = None,
    new_secret: bool = False,
) -> PublishResult:
    """Build (unless ``build=False``), commit ``root/site`` as the tip of ``branch`` in the
    workspace's git repository, and push that branch to ``remote`` (unless ``push=False``).

    The addresses already published are guarded like site/'s: a lost or replaced
    ``.postrun-secret`` stops the publish unless ``new_secret``."""
    git = Git(root)
    git.check_repository()
    ref = git.check_branch(branch)
    # Checked before the (possibly long) build, so a typo fails at once.
    target = git.resolve_remote(remote) if push else None
    shown = git.remote_name(remote)
    local = git.rev(ref)
    # A fresh clone has no local branch yet, but may know the remote's: continue its history.
    parent = local or git.rev(f"refs/remotes/{shown}/{branch}")
    published = git.folders(parent) if parent else set()
    stems = [p.stem for p in profile_paths(root)]
    where = f"the published {branch} branch"
    guard_missing_secret(root, published, stems, where, new_secret)
    warnings: tuple[Problem, ...] = ()
    if build:
        warnings = run_build(root, progress=progress, new_secret=new_secret).warnings
    else:
        warnings = tuple(guard_site(root, root / "site", profile_paths(root), new_secret))
    moves = moved_clients(published, client_folders(root / "site"), stems)
    warnings = (*warnings, *guard_moves(moves, where, new_secret))
    problems = Problems()
    settings = load_site(root, problems)
    problems.raise_if_errors()
    assert settings is not None
    files = _site_files(root / "site")
    extra: dict[str, bytes] = {}
    if settings.cname:
        # GitHub Pages reads the custom domain from CNAME at the branch root; writing it on
        # every publish keeps the next publish from dropping the domain.
        extra["CNAME"] = f"{settings.cname}\n".encode()
    clients = sum(1 for rel, _ in files if rel.count("/") == 1 and rel.endswith("/index.html"))
    commit = git.fast_import(files, extra, parent, message or "Publish with postrun")
    try:
        changed = parent is None or git.rev(f"{commit}^{{tree}}") != git.rev(f"{parent}^{{tree}}")
        if changed and message is None:
            # The branch is public: the message counts clients, never names them.
            changed_clients = len(git.changed_folders(parent, commit)) if parent else clients
            commit = git.reword(commit, _default_message(clients, changed_clients, parent))
        tip = commit if changed or parent is None else parent
        if tip != local:
            # Compare-and-swap: refuses if the branch moved since it was read above.
            git.run("update-ref", "-m", "postrun publish", ref, tip, local or "")
    finally:
        git.run("update-ref", "-d", STAGING_REF)
    moved = git.push(target, shown, ref) if target is not None else False
    return PublishResult(
        clients, branch, tip, changed, None if target is None else remote, moved, warnings
    )


def _default_message(clients: int, changed: int, parent: str | None) -> str:
    total = f"{clients} client{'s' if clients != 1 else ''}"
    if parent is None:
        return f"Publish {total} with postrun"
    if not changed:
        return f"Publish {total} with postrun: shared pages changed"
    what = f"{changed} client{'s' if changed != 1 else ''}"
    return f"Publish {total} with postrun: {what} changed"


def _site_files(site: Path) -> list[tuple[str, Path]]:
    """(path in the published tree, file) for every file under site/."""
    if not (site / "index.html").is_file():
        raise PostrunError(
            Problem(
                "site/",
                None,
                None,
                "there is no built site to publish",
                "run `postrun build` first, or publish without --no-build",
            )
        )
    files: list[tuple[str, Path]] = []
    for path in sorted(site.rglob("*")):
        if path.is_symlink():
            # A link could publish a file from outside site/ (a profile, say): refuse it.
            raise PostrunError(
                Problem(
                    f"site/{path.relative_to(site).as_posix()}",
                    None,
                    None,
                    "site/ holds a symbolic link, which would not be published as you expect",
                    "run `postrun build` to make a clean site/",
                )
            )
        if path.is_file():
            files.append((path.relative_to(site).as_posix(), path))
    return files


def _quote(path: str) -> str:
    """A path as a C-style quoted string, the form fast-import accepts for any name."""
    out = ['"']
    for ch in path:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):03o}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _clean_ident(value: str) -> str:
    """A name or email that cannot break fast-import's ``committer`` line."""
    return re.sub(r"[<>\n\r]", "", value).strip()


class Git:
    """Runs git in the workspace, turning every failure into a PostrunError with git's words."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}

    def _cmd(self, args: Sequence[str]) -> list[str]:
        return ["git", "-C", str(self.root), *args]

    def run(
        self, *args: str, ok: tuple[int, ...] = (0,), check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run git; any exit status outside ``ok`` is an error unless ``check`` is False."""
        try:
            done = subprocess.run(
                self._cmd(args),
                check=False,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                env=self.env,
            )
        except FileNotFoundError:
            raise PostrunError(
                Problem(
                    "git",
                    None,
                    None,
                    "git is not installed (or not on the PATH)",
                    "install git from https://git-scm.com and try again",
                )
            ) from None
        if check and done.returncode not in ok:
            raise self.failure(args, done.returncode, done.stderr or done.stdout)
        return done

    def failure(
        self, args: Sequence[str], code: int, stderr: str, hint: str | None = None
    ) -> PostrunError:
        words = "\n".join(f"  {line}" for line in stderr.strip().splitlines()) or "  (no output)"
        return PostrunError(
            Problem(
                "git",
                None,
                None,
                f"`git {' '.join(args)}` failed (exit status {code}):\n{words}",
                hint or "nothing was published; fix what git reports above and publish again",
            )
        )

    def rev(self, name: str) -> str | None:
        """The object id ``name`` points at, or None when there is no such ref or object."""
        done = self.run("rev-parse", "--verify", "--quiet", f"{name}^{{object}}", ok=(0, 1))
        if done.returncode != 0:
            return None
        return done.stdout.strip() or None

    def check_repository(self) -> None:
        done = self.run("rev-parse", "--is-inside-work-tree", ok=(0, 128))
        if done.returncode != 0 or done.stdout.strip() != "true":
            raise PostrunError(
                Problem(
                    str(self.root),
                    None,
                    None,
                    "the workspace is not a git repository, so there is no branch to publish to",
                    "run `git init` in the workspace and commit your files "
                    "(see 'Publishing to GitHub Pages' in the README)",
                )
            )

    def check_branch(self, branch: str) -> str:
        """The full ref name of ``branch``; refuses bad names and the checked-out branch."""
        ref = f"refs/heads/{branch}"
        if self.run("check-ref-format", ref, ok=(0, 1)).returncode != 0 or branch.startswith("-"):
            raise PostrunError(
                Problem(
                    "git",
                    None,
                    "--branch",
                    f"`{branch}` is not a valid branch name",
                    "use the default, gh-pages",
                )
            )
        head = self.run("symbolic-ref", "--quiet", "HEAD", ok=(0, 1)).stdout.strip()
        if head == ref:
            # Moving the checked-out branch behind git's back would make every working file
            # look changed; publishing must never touch the coach's own branch.
            raise PostrunError(
                Problem(
                    "git",
                    None,
                    "--branch",
                    f"`{branch}` is the branch you are working on, not a publishing branch",
                    "switch back to your main branch (`git switch main`), "
                    "or publish to another --branch",
                )
            )
        return ref

    def resolve_remote(self, remote: str) -> str:
        """What to give `git push`: a configured remote's name, a URL, or an absolute path."""
        names = self.run("remote").stdout.split()
        if remote in names:
            return remote
        if "://" in remote or _SCP_LIKE.match(remote):
            return remote
        path = Path(remote).expanduser()
        if path.exists():
            # git -C runs in the workspace; the coach typed the path from her own folder.
            return str(path.resolve())
        configured = ", ".join(f"`{n}`" for n in names) or "none"
        hint = did_you_mean(remote, names) or (
            f"publish with `--remote {names[0]}`, the remote this repository has"
            if len(names) == 1
            else None
        ) or (
            f"add it with `git remote add {remote} https://github.com/USER/REPO.git`, "
            "or pass a repository URL or path as --remote"
        )
        raise PostrunError(
            Problem(
                "git",
                None,
                "--remote",
                f"`{remote}` is not a remote of this repository (configured: {configured}) "
                "nor an existing repository path or URL",
                hint,
            )
        )

    def remote_name(self, remote: str) -> str:
        """The configured remote's name for ``remote`` (also when given as its URL or path),
        as the coach knows it; else ``remote`` as given."""
        names = self.run("remote").stdout.split()
        if remote in names:
            return remote
        wanted = {remote, str(Path(remote).expanduser().resolve()) if "://" not in remote else ""}
        for name in names:
            url = self.run("remote", "get-url", name, ok=(0, 2, 128)).stdout.strip()
            local = str(Path(url).expanduser().resolve()) if url and "://" not in url else ""
            if url in wanted or (local and local in wanted):
                return name
        return remote

    def folders(self, commit: str) -> set[str]:
        """The top-level folders of ``commit``'s tree (the clients it published)."""
        done = self.run("ls-tree", "-d", "--name-only", commit, ok=(0, 128))
        return set(done.stdout.split()) if done.returncode == 0 else set()

    def changed_folders(self, before: str, after: str) -> set[str]:
        """Top-level folders that differ between two commits (added, changed or removed)."""
        names = set(self.run("diff-tree", "--name-only", before, after).stdout.split())
        return names & (self.folders(before) | self.folders(after))

    def reword(self, commit: str, message: str) -> str:
        """The same commit (tree, parent, author, dates) with another message."""
        raw = self.run("cat-file", "commit", commit).stdout
        head = raw.split("\n\n", 1)[0]
        done = subprocess.run(
            self._cmd(["hash-object", "-t", "commit", "-w", "--stdin"]),
            input=f"{head}\n\n{message}\n",
            capture_output=True,
            encoding="utf-8",
            env=self.env,
            check=False,
        )
        if done.returncode != 0:
            raise self.failure(("hash-object", "-t", "commit"), done.returncode, done.stderr)
        return done.stdout.strip()

    def identity(self) -> tuple[str, str]:
        name, email = DEFAULT_IDENTITY
        for key, default in (("user.name", name), ("user.email", email)):
            # Exit status 1 means "not set", which is fine: fall back to postrun's identity.
            value = _clean_ident(self.run("config", "--get", key, ok=(0, 1)).stdout)
            if key == "user.name":
                name = value or default
            else:
                email = value or default
        return name, email

    def fast_import(
        self,
        files: list[tuple[str, Path]],
        extra: dict[str, bytes],
        parent: str | None,
        message: str,
    ) -> str:
        """Write one commit whose tree is exactly ``files`` + ``extra`` (on STAGING_REF);
        returns its id."""
        name, email = self.identity()
        when = source_date()
        if when is not None:
            stamp = f"{int(when.timestamp())} +0000"
        else:
            now = time.time()
            offset = time.localtime(now).tm_gmtoff // 60
            sign = "+" if offset >= 0 else "-"
            stamp = f"{int(now)} {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}"
        person = f"{name} <{email}> {stamp}"

        def stream() -> Iterator[bytes]:
            text = message.encode()
            yield b"feature done\n"
            yield f"commit {STAGING_REF}\n".encode()
            yield f"author {person}\ncommitter {person}\n".encode()
            yield f"data {len(text)}\n".encode() + text + b"\n"
            if parent is not None:
                yield f"from {parent}\n".encode()
            # The tree starts empty, so files gone from site/ are gone from the branch too.
            yield b"deleteall\n"
            for rel, path in files:
                if rel in extra:
                    continue
                data = path.read_bytes()
                yield f"M 100644 inline {_quote(rel)}\ndata {len(data)}\n".encode()
                yield data + b"\n"
            for rel, data in sorted(extra.items()):
                yield f"M 100644 inline {_quote(rel)}\ndata {len(data)}\n".encode()
                yield data + b"\n"
            yield b"done\n"

        # --force: the staging ref may be left from an interrupted publish; it is ours alone.
        args = ("fast-import", "--quiet", "--force", "--date-format=raw")
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(
                self._cmd(args),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=self.env,
            )
            assert proc.stdin is not None
            try:
                for chunk in stream():
                    proc.stdin.write(chunk)
                proc.stdin.close()
            except BrokenPipeError:
                pass  # fast-import stopped early; its exit status and stderr say why
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            code = proc.wait()
            errors.seek(0)
            stderr = errors.read().decode("utf-8", "replace")
        if code != 0:
            raise self.failure(args, code, stderr)
        commit = self.rev(STAGING_REF)
        if commit is None:
            raise self.failure(args, code, stderr or f"{STAGING_REF} was not written")
        return commit

    def push(self, target: str, remote: str, ref: str) -> bool:
        """Push ``ref`` to the same name on ``target``; True when the remote's branch moved."""
        spec = f"{ref}:{ref}"
        args = ("push", "--porcelain", target, spec)
        done = self.run(*args, check=False)
        if done.returncode != 0:
            words = "\n".join(x for x in (done.stderr.strip(), done.stdout.strip()) if x)
            # git's own hints ("git pull …") are for a branch you work on, not a published
            # site: leave them out, so postrun's advice (the hint) is the last word.
            said = "\n".join(x for x in words.splitlines() if not x.startswith("hint:"))
            raise self.failure(args, done.returncode, said, _push_hint(words, remote, ref))
        for line in done.stdout.splitlines():
            flag, _, rest = line.partition("\t")
            if rest.startswith(spec):
                return flag != "="
        return True


def _push_hint(words: str, remote: str, ref: str) -> str:
    branch = ref.removeprefix("refs/heads/")
    if "non-fast-forward" in words or "fetch first" in words:
        return (
            f"{remote}'s {branch} has commits that are not in this workspace's {branch} "
            "(published from another computer?). Nothing was pushed. To replace the remote's "
            f"site with yours, run `git push --force {remote} {branch}` once"
        )
    if "could not read Username" in words or "Authentication failed" in words:
        return (
            "git could not log in to the remote: sign in once by running "
            f"`git push {remote} {branch}` in a terminal, then publish again"
        )
    return (
        f"{remote} refused the push (see its words above); the commit is kept in "
        f"{branch} and will be pushed by the next publish"
    )
