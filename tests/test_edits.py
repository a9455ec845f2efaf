"""Merging a user's edit with changes made elsewhere meanwhile."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from annotations.anchoring import new_annotation
from annotations.article import Article, ArticleMeta
from annotations.edits import merge_edit

BODY = "The council agreed to freeze parking charges."
ARTICLE = Article(
    meta=ArticleMeta(
        id="a",
        title="t",
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path("a.txt"),
        words=7,
        format="txt",
    ),
    body=BODY,
)


def test_changes_made_elsewhere_survive_the_edit() -> None:
    original = new_annotation(ARTICLE, 4, 11, tags=("budget", "cars"), note=None)
    current = replace(original, tags=("budget", "cars", "extra"), note="from the CLI")
    merged = merge_edit(original, current, tags=("Budget", "parking"), note=None)
    assert merged.tags == ("budget", "extra", "parking")  # cars removed, parking added
    assert merged.note == "from the CLI"  # the user did not touch the note


def test_the_users_note_wins_when_they_changed_it() -> None:
    original = new_annotation(ARTICLE, 4, 11, tags=("budget",), note="old")
    current = replace(original, note="elsewhere")
    assert merge_edit(original, current, tags=("budget",), note="mine").note == "mine"
    assert merge_edit(original, current, tags=("budget",), note=None).note is None
