"""Exports written a piece at a time (`annotations.export.json_stream`, `export_chunks`):
the same bytes as the whole document dumped at once."""

from __future__ import annotations

import fcntl
import os
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotations.export import ExportFormat, export_chunks, json_stream, render_export, write_export
from annotations.export.json_stream import Streamed, json_chunks
from annotations.model import Annotation
from tests.test_export_golden import GENERATED, TAG_COLOURS, build_fixture, corpus, metas

__all__ = ["corpus", "metas"]  # module fixtures shared with the golden tests


def _whole(document: object) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


@pytest.mark.parametrize("items", [[], [1], [{"a": [1, {"b": "é\n"}]}, None, "x"] * 7])
@pytest.mark.parametrize("shape", ["top", "nested", "in a list", "none"])
def test_streamed_json_is_the_whole_document(
    items: list[object], shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_ITEMS", 3)

    def document(value: object) -> object:
        if shape == "top":
            return value
        if shape == "nested":
            return {"head": 1, "first": {"items": value, "after": [2, {}]}, "tail": []}
        if shape == "in a list":
            return [{"x": 1}, [value], "end"]
        return {"plain": items}

    pieces = list(json_chunks(document(Streamed(iter(items)))))
    assert b"".join(pieces) == _whole(document(items))
    if shape != "none" and len(items) > 3:
        assert len(pieces) > 2  # written a chunk at a time


def test_exports_written_in_chunks_are_the_same_files(
    corpus, metas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations = build_fixture(corpus)
    for fmt in (ExportFormat.W3C, ExportFormat.JSON, ExportFormat.CSV):
        options = {"collection": "samples", "generated": GENERATED}
        whole = render_export(fmt, annotations, metas, TAG_COLOURS, **options)
        with monkeypatch.context() as patched:
            patched.setattr(json_stream, "CHUNK_ITEMS", 2)
            pieces = list(export_chunks(fmt, annotations, metas, TAG_COLOURS, **options))
        assert len(pieces) > 2 or fmt is ExportFormat.CSV
        assert b"".join(pieces).decode("utf-8") == whole
        target = tmp_path / f"out.{fmt}"
        write_export(target, iter(pieces), fmt)
        expected = ("\ufeff" if fmt is ExportFormat.CSV else "") + whole
        assert target.read_bytes() == expected.encode("utf-8")


def test_annotation_to_dict_has_every_field_in_order(corpus) -> None:
    for annotation in build_fixture(corpus):
        for scored in (annotation, replace(annotation, anchor_score=0.5)):
            expected = asdict(scored)
            expected["tags"], expected["anchor"] = list(scored.tags), scored.anchor.value
            if scored.anchor_score is None:
                del expected["anchor_score"]
            data = scored.to_dict()
            assert list(data) == list(expected) and data == expected
            assert Annotation.from_dict(data) == scored
    assert [f.name for f in fields(Annotation)] == list(
        replace(annotation, anchor_score=0.5).to_dict()
    )


@pytest.mark.skipif(not json_stream.can_fork(), reason="worker processes are forked")
@pytest.mark.parametrize("fmt", [ExportFormat.W3C, ExportFormat.JSON])
def test_a_long_export_dumped_by_worker_processes_is_the_same_file(
    corpus, metas, fmt: ExportFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations = build_fixture(corpus) * 7  # 7 times each: a list long enough
    options = {"collection": "samples", "generated": GENERATED}
    whole = render_export(fmt, annotations, metas, TAG_COLOURS, **options)
    pools = []
    ordered_map = json_stream.ordered_map

    def counted(*args: Any, **kwargs: Any) -> Any:
        pools.append(args[2])
        return ordered_map(*args, **kwargs)

    monkeypatch.setattr(json_stream, "CHUNK_ITEMS", 3)
    monkeypatch.setattr(json_stream, "PARALLEL_ITEMS", 10)
    monkeypatch.setattr(json_stream, "MAX_PROCESSES", 3)
    monkeypatch.setattr(json_stream.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    with monkeypatch.context() as patched:
        patched.setattr(json_stream, "ordered_map", counted)
        pieces = list(export_chunks(fmt, annotations, metas, TAG_COLOURS, **options))
    assert pools == [3] and len(annotations) >= 10  # three workers (this process writes)
    assert b"".join(pieces).decode("utf-8") == whole


@pytest.mark.skipif(not json_stream.can_fork(), reason="worker processes are forked")
@pytest.mark.parametrize("spool", ["in a spool directory", "no spool directory", "spool full"])
def test_the_workers_chunks_come_back_in_order_and_leave_nothing(
    corpus, metas, spool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker leaves its chunk in a file of a private directory, read and removed in
    order; without such a directory, or when a file cannot be written there, the chunks
    come back through the pipe: the same file either way."""
    annotations = build_fixture(corpus) * 7
    options = {"collection": "samples", "generated": GENERATED}
    whole = render_export(ExportFormat.W3C, annotations, metas, TAG_COLOURS, **options)
    monkeypatch.setattr(json_stream, "CHUNK_ITEMS", 3)
    monkeypatch.setattr(json_stream, "PARALLEL_ITEMS", 10)
    made: list[str] = []
    mkdtemp = json_stream.tempfile.mkdtemp

    def spool_directory(prefix: str, dir: str | None) -> str:
        if spool == "no spool directory":
            raise PermissionError(13, "not here")
        if spool == "spool full":  # a file, not a directory: nothing can be written in it
            (tmp_path / "not-a-directory").write_bytes(b"")
            return str(tmp_path / "not-a-directory")
        made.append(mkdtemp(prefix=prefix, dir=tmp_path))
        return made[-1]

    monkeypatch.setattr(json_stream.tempfile, "mkdtemp", spool_directory)
    taken: list[str] = []
    take = json_stream._taken
    monkeypatch.setattr(json_stream, "_taken", lambda name: taken.append(name) or take(name))
    pieces = list(export_chunks(ExportFormat.W3C, annotations, metas, TAG_COLOURS, **options))
    assert b"".join(pieces).decode("utf-8") == whole
    in_files = spool == "in a spool directory"
    assert len(made) == in_files and (len(taken) == len(pieces) - 1 if in_files else not taken)
    assert not any(Path(name).exists() for name in made)  # removed with what was left in it


def test_spool_directories_of_killed_exports_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spool directory whose lock no process holds (its export was killed before it
    cleaned up) is removed when the next export makes its own; a running export's (its
    lock held), and other files, stay."""
    dead, alive = tmp_path / "newsmark-export-dead", tmp_path / "newsmark-export-alive"
    other = tmp_path / "newsmark-export-notes"
    for directory in (dead, alive, other):
        directory.mkdir()
        (directory / "0").write_bytes(b"chunk")
    for directory in (dead, alive):
        (directory / json_stream.SPOOL_LOCK).write_bytes(b"")
    holder = os.open(alive / json_stream.SPOOL_LOCK, os.O_RDWR)  # a running export
    fcntl.flock(holder, fcntl.LOCK_EX)
    monkeypatch.setattr(json_stream, "_SPOOL", str(tmp_path))
    try:
        made, lock = json_stream._spool_directory()
        assert made is not None and lock is not None
        assert not dead.exists() and alive.exists() and other.exists()
        # Its own lock is held: another export's clean-up leaves it alone.
        json_stream._remove_stale_spools(str(tmp_path))
        assert Path(made).exists()
        os.close(lock)
        json_stream._remove_stale_spools(str(tmp_path))  # as after a kill
        assert not Path(made).exists()
    finally:
        os.close(holder)
