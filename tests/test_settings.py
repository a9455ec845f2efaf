"""The settings file: typed keys with defaults, tolerant reading, atomic writing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.settings import (
    MAX_REMEMBERED_LIBRARIES,
    ReadingPosition,
    Settings,
    SettingsError,
    load_settings,
    set_aside_damaged,
    settings_path,
    update_settings_file,
)


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == (Settings(), [])


def test_settings_round_trip_and_keep_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"coder": "ann", "theme": "nord"}), encoding="utf-8")
    settings, notices = load_settings(path)
    assert notices == [] and settings.theme == "nord" and settings.extra == {"coder": "ann"}
    changed = Settings(
        theme="nord",
        annotation_panel=False,
        citation_style="mla",
        export_format="csv",
        export_destination="file",
        export_directory=str(tmp_path),
        extra=settings.extra,
    ).with_position(tmp_path, ReadingPosition("000", 42, True))
    update_settings_file(path, lambda _read: changed)
    again, notices = load_settings(path)
    assert notices == []
    assert again == changed
    assert again.position(tmp_path) == ReadingPosition("000", 42, True)
    assert json.loads(path.read_text(encoding="utf-8"))["coder"] == "ann"


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"'])
def test_a_corrupt_file_is_ignored_with_a_notice(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings, notices = load_settings(path)
    assert settings == Settings()
    assert len(notices) == 1 and str(path) in notices[0] and "ignored" in notices[0]


def test_a_key_of_the_wrong_type_keeps_its_default_and_the_others_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "theme": 3,
                "annotation_panel": "no",
                "citation_style": "mla",
                "export_destination": "printer",
                "reading": {
                    "/lib": {"article": "a", "offset": -1},
                    "/ok": {"article": "b", "offset": 5},
                },
            }
        ),
        encoding="utf-8",
    )
    settings, notices = load_settings(path)
    assert settings.theme is None and settings.annotation_panel is True
    assert settings.export_destination == "clipboard"
    assert settings.citation_style == "mla"
    assert settings.reading == {"/ok": ReadingPosition("b", 5, False)}
    assert len(notices) == 3 and all("ignored the setting" in n for n in notices)


def test_an_unreadable_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()  # a directory where the file should be
    settings, notices = load_settings(path)
    assert settings == Settings() and len(notices) == 1
    with pytest.raises(SettingsError, match="could not save settings"):
        update_settings_file(path, lambda _read: Settings(theme="nord"))
    assert path.is_dir() and not list(path.iterdir())  # nothing renamed or written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json", "settings.json.lock"]


def test_a_damaged_file_is_set_aside_not_overwritten(tmp_path: Path) -> None:
    """A settings file broken by hand (a missing brace) keeps what the user wrote: saving
    renames it, the next damaged one too, under another name."""
    path = tmp_path / "settings.json"
    damaged = b'{"coder": "ana", "theme": "nord", "citation_style": "mla"'
    path.write_bytes(damaged)
    _, kept = update_settings_file(path, lambda _read: Settings(theme="dracula"))
    assert kept == tmp_path / "settings.json.damaged" and kept.read_bytes() == damaged
    assert load_settings(path) == (Settings(theme="dracula"), [])
    assert update_settings_file(path, lambda _read: Settings(theme="nord"))[1] is None
    path.write_bytes(b"[]")
    assert set_aside_damaged(path) == tmp_path / "settings.json.damaged-2"
    assert not path.exists() and kept.read_bytes() == damaged


def test_a_file_in_the_way_is_a_settings_error(tmp_path: Path) -> None:
    (tmp_path / "sub").write_text("a file, not a directory", encoding="utf-8")
    with pytest.raises(SettingsError, match="could not save settings"):
        update_settings_file(tmp_path / "sub" / "settings.json", lambda _read: Settings())


def test_only_the_latest_collections_are_remembered(tmp_path: Path) -> None:
    settings = Settings()
    for index in range(MAX_REMEMBERED_LIBRARIES + 5):
        settings = settings.with_position(tmp_path / str(index), ReadingPosition("a", index))
    assert len(settings.reading) == MAX_REMEMBERED_LIBRARIES
    assert settings.position(tmp_path / "0") is None
    assert settings.position(tmp_path / "24") == ReadingPosition("a", 24)


def test_the_file_lives_in_the_user_config_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert settings_path() == tmp_path / "cfg" / "newsmark" / "settings.json"
    monkeypatch.setenv("NEWSMARK_SETTINGS", str(tmp_path / "mine.json"))
    assert settings_path() == tmp_path / "mine.json"


def _add_key(path: str, number: int) -> None:
    """In another process: remember one more key, as another newsmark would."""
    from dataclasses import replace

    for _ in range(5):
        update_settings_file(
            Path(path),
            lambda s: replace(s, extra={**s.extra, f"k{number}": number, "last": number}),
        )


def test_processes_saving_at_once_lose_no_change(tmp_path: Path) -> None:
    """Each save reads the file under the lock and changes only its own keys: eight
    processes saving five times each keep all eight keys."""
    import multiprocessing

    path = tmp_path / "settings.json"
    update_settings_file(path, lambda _read: Settings(theme="nord"))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_key, args=(str(path), n)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert all(worker.exitcode == 0 for worker in workers)
    settings, notices = load_settings(path)
    assert notices == [] and settings.theme == "nord"
    assert {k: v for k, v in settings.extra.items() if k != "last"} == {
        f"k{n}": n for n in range(8)
    }


def test_a_file_mended_by_hand_is_changed_not_replaced(tmp_path: Path) -> None:
    """(Found by a reviewer.) Damaged when newsmark started, mended since: a change is
    made to the mended file, which is not set aside."""
    from dataclasses import replace

    path = tmp_path / "settings.json"
    path.write_text('{"coder": "ana", "citation_style": "mla"', encoding="utf-8")
    started, notices = load_settings(path)
    assert started == Settings() and notices
    path.write_text('{"coder": "ana", "citation_style": "mla"}', encoding="utf-8")  # mended
    saved, kept = update_settings_file(path, lambda s: replace(s, theme="nord"))
    assert kept is None and not (tmp_path / "settings.json.damaged").exists()
    assert (saved.theme, saved.citation_style, saved.extra) == ("nord", "mla", {"coder": "ana"})
    assert load_settings(path) == (saved, [])


def test_a_save_keeps_every_value_it_does_not_change(tmp_path: Path) -> None:
    """(Found by a reviewer.) A save wrote the whole Settings back: a value this version
    ignores (of the wrong type, or an unknown field of a reading position) was lost."""
    from dataclasses import replace

    path = tmp_path / "settings.json"
    hand_made = {
        "annotation_panel": "no",
        "export_destination": "printer",
        "reading": {"/lib": {"article": "a", "offset": 3, "note": "keep"}, "/lib2": {"offset": -1}},
        "coder": "ana",
    }
    path.write_text(json.dumps(hand_made), encoding="utf-8")
    saved, kept = update_settings_file(path, lambda s: replace(s, theme="nord"))
    assert kept is None and saved.theme == "nord"
    assert json.loads(path.read_text(encoding="utf-8")) == {**hand_made, "theme": "nord"}
    update_settings_file(path, lambda s: s.with_position(tmp_path, ReadingPosition("b", 7)))
    reading = json.loads(path.read_text(encoding="utf-8"))["reading"]
    assert reading["/lib"] == hand_made["reading"]["/lib"] and reading["/lib2"] == {"offset": -1}
    assert reading[str(tmp_path.resolve())] == {"article": "b", "offset": 7, "open": False}
