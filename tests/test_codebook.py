"""The codebook (tag descriptions, nested tags) and memos in the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.errors import CorruptDatabaseError, UnknownTagError
from annotations.store import AnnotationStore
from annotations.tags import InvalidTagError
from tests.test_store import ARTICLE_B, highlight, reopen, undo


@pytest.fixture
def store(db_path: Path) -> AnnotationStore:
    return AnnotationStore.open(db_path)


def tree(store: AnnotationStore) -> dict[str, tuple[int, int, str | None, str]]:
    """name → (own count, total, parent, description)."""
    return {i.name: (i.count, i.total, i.parent, i.description) for i in store.tags()}


def test_nested_tags_roll_up_and_list_their_parents(store: AnnotationStore) -> None:
    store.add(highlight("council", "Security/maritime", "security/cyber"))
    store.add(highlight("parking", "security"))
    store.add(highlight("Shop", "security/maritime/ports"))
    assert tree(store) == {
        "security": (1, 3, None, ""),  # each annotation once, with the tags below
        "security/cyber": (1, 1, "security", ""),
        "Security/maritime": (1, 2, "security", ""),
        "security/maritime/ports": (1, 1, "Security/maritime", ""),
    }
    store.add(highlight("Rain", "economy/trade", art=ARTICLE_B))
    # A parent nobody uses on its own is listed with no count of its own.
    assert tree(store)["economy"] == (0, 1, None, "")


def test_describe_a_tag_also_before_it_is_used_and_undo(store: AnnotationStore) -> None:
    store.add(highlight("council", "security"))
    assert store.describe_tag("SECURITY", "Threats.\n\nUse for defence.\x1b[31m") == "security"
    assert tree(store)["security"][3] == "Threats.\n\nUse for defence."
    assert store.describe_tag("framing/conflict", "Conflict frame") == "framing/conflict"
    assert tree(store)["framing/conflict"] == (0, 0, "framing", "Conflict frame")
    assert "framing" in tree(store)
    assert reopen(store).tags() == store.tags()
    assert undo(store) == "describe tag framing/conflict"
    assert "framing/conflict" not in tree(store)
    store.describe_tag("security", "  ")  # empty: the description goes
    assert tree(store)["security"][3] == ""
    with pytest.raises(InvalidTagError):
        store.describe_tag("a,b", "x")


def test_rename_moves_the_subtree_with_colours_descriptions_and_memos(
    store: AnnotationStore,
) -> None:
    first = store.add(highlight("council", "security", "security/maritime"))
    second = store.add(highlight("parking", "security/maritime/ports", "economy"))
    store.describe_tag("security/maritime", "At sea")
    store.set_tag_colour("security/maritime", "#123456")
    store.set_memo("tag", "security/maritime", "Xinhua avoids it")
    assert store.rename_tag("security", "defence") == 2
    assert store.get(first.id).tags == ("defence", "defence/maritime")
    assert store.get(second.id).tags == ("defence/maritime/ports", "economy")
    assert tree(store)["defence/maritime"] == (1, 2, "defence", "At sea")
    assert store.tag_colour("defence/maritime") == "#123456"
    assert store.memo("tag", "defence/maritime") == "Xinhua avoids it"
    assert store.memo("tag", "security/maritime") == ""
    assert undo(store) == "rename tag security → defence"  # one undo step for all of it
    assert store.get(second.id).tags == ("security/maritime/ports", "economy")
    assert tree(store)["security/maritime"][3] == "At sea"
    assert store.memo("tag", "security/maritime") == "Xinhua avoids it"
    with pytest.raises(InvalidTagError, match="below itself"):
        store.rename_tag("security", "security/new")


def test_move_merge_and_delete_act_on_the_subtree(store: AnnotationStore) -> None:
    annotation = store.add(highlight("council", "maritime/ports", "trade"))
    store.describe_tag("maritime", "Sea")
    store.describe_tag("security", "Threats")
    store.set_memo("tag", "maritime", "memo A")
    store.set_memo("tag", "security", "memo B")
    assert store.move_tag("maritime", "security") == 1
    assert store.get(annotation.id).tags == ("security/maritime/ports", "trade")
    assert store.move_tag("security/maritime", "/") == 1  # back to the top level
    assert store.get(annotation.id).tags == ("maritime/ports", "trade")
    # Merging joins the descriptions and memos of both tags.
    assert store.merge_tags("maritime", "security") == 1
    assert store.get(annotation.id).tags == ("security/ports", "trade")
    assert tree(store)["security"][3] == "Threats\n\nSea"
    assert store.memo("tag", "security") == "memo B\n\nmemo A"
    with pytest.raises(InvalidTagError, match="into a tag below it"):
        store.merge_tags("security", "security/ports")
    assert store.delete_tag("security") == 1
    assert store.get(annotation.id).tags == ("trade",)
    assert set(tree(store)) == {"trade"}
    assert store.memo("tag", "security") == ""
    with pytest.raises(UnknownTagError):
        store.delete_tag("security")


def test_memos_on_articles_and_tags(store: AnnotationStore) -> None:
    store.add(highlight("council", "security"))
    store.set_memo("article", "000_council", "Frames the council as\n\nreluctant\x07")
    store.set_memo("tag", "SECURITY", "security memo")
    assert store.memo("article", "000_council") == "Frames the council as\n\nreluctant"
    assert [(m["kind"], m["target"], m["text"]) for m in reopen(store).memos()] == [
        ("article", "000_council", "Frames the council as\n\nreluctant"),
        ("tag", "security", "security memo"),
    ]
    store.set_memo("article", "000_council", "")
    assert store.memo("article", "000_council") == ""
    assert undo(store) == "memo on article 000_council"
    assert store.memo("article", "000_council").startswith("Frames")
    # a memo, like a description, may come before the tag is used: it enters the codebook
    store.set_memo("tag", "never used", "x")
    assert store.memo("tag", "Never Used") == "x"
    assert {i.name: (i.count, i.description) for i in store.tags()}["never used"] == (0, "")
    assert undo(store) == "memo on tag never used"
    assert "never used" not in {i.name for i in store.tags()}


def test_a_database_without_the_new_tables_opens_and_bad_entries_are_refused(
    db_path: Path,
) -> None:
    db_path.parent.mkdir(parents=True)
    annotation = highlight("council", "security").to_dict()
    old = {
        "_newsmark": {"1": {"schema": 2, "generation": 1, "app": "newsmark"}},
        "annotations": {annotation["id"]: annotation},
    }
    db_path.write_text(json.dumps(old))  # as an earlier newsmark wrote it
    store = AnnotationStore.open(db_path)
    assert [(i.name, i.description) for i in store.tags()] == [("security", "")]
    store.describe_tag("security", "x")
    assert reopen(store).tags()[0].description == "x"
    for table, doc in (
        ("codebook", {"name": "x"}),
        ("memos", {"kind": "page", "target": "x", "text": "y"}),
    ):
        db_path.write_text(json.dumps({**old, table: {"k": doc}}))
        Path(str(db_path) + ".journal").unlink(missing_ok=True)
        with pytest.raises(CorruptDatabaseError, match=table):
            AnnotationStore.open(db_path)
