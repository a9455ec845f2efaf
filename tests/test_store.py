"""AnnotationStore: annotations, tags, undo, failures and re-anchoring."""

from __future__ import annotations

import errno
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

import filelock
import pytest

from annotations.anchoring import locate_quote, new_annotation
from annotations.article import Article, ArticleMeta
from annotations.errors import (
    CorruptDatabaseError,
    StoreError,
    UnknownAnnotationError,
    UnknownArticleError,
    UnknownTagError,
)
from annotations.model import Anchor, Annotation, TagInfo
from annotations.store import AnnotationStore, DuplicateAnnotationError, ReanchorReport
from annotations.store import store as store_module
from annotations.tags import InvalidTagError, default_colour

BODY_A = (
    "The council agreed to freeze parking charges for a year.\n\n"
    "Shop owners welcomed the decision on Tuesday."
)
BODY_B = "Rain is expected across the north tomorrow.\n\nTemperatures will fall sharply."


def article(article_id: str, body: str) -> Article:
    meta = ArticleMeta(
        id=article_id,
        title=article_id,
        source=None,
        date=None,
        authors=(),
        url=None,
        path=Path(f"{article_id}.txt"),
        words=len(body.split()),
        format="txt",
    )
    return Article(meta=meta, body=body)


ARTICLE_A = article("000_council", BODY_A)
ARTICLE_B = article("001_weather", BODY_B)


def highlight(quote: str, *tags: str, art: Article = ARTICLE_A) -> Annotation:
    span = locate_quote(art.body, quote)
    return new_annotation(art, span.start, span.end, tags=tags)


@pytest.fixture
def store(db_path: Path) -> AnnotationStore:
    return AnnotationStore.open(db_path)


def reopen(store: AnnotationStore) -> AnnotationStore:
    return AnnotationStore.open(store.path)


def undo(store: AnnotationStore, **options: object) -> str | None:
    """What `store.undo` took back, by description (None if nothing)."""
    item = store.undo(**options)  # type: ignore[arg-type]
    return None if item is None else item.description


# annotations -------------------------------------------------------------------------


def test_round_trip_keeps_every_field(store: AnnotationStore) -> None:
    ann = replace(
        highlight("parking charges", "Budget", "Parking"),
        note="a “note”\nline 2",
        colour="#aabbcc",
        anchor=Anchor.FUZZY,
        coder="Zoë K.",
    )
    store.add(ann)
    assert reopen(store).get(ann.id) == ann


def test_add_get_update_delete(store: AnnotationStore) -> None:
    ann = store.add(highlight("parking charges", "Budget"))
    assert store.get(ann.id) == ann
    assert store.get(ann.id[:6]) == ann
    edited = store.edit(ann.id, note="important", tags=("budget", "Budget", "Cars"))
    assert edited.tags == ("budget", "Cars")
    assert reopen(store).get(ann.id).note == "important"
    assert store.delete(ann.id[:8]) == edited
    assert store.all() == []
    assert reopen(store).all() == []


def test_get_errors(store: AnnotationStore) -> None:
    first = store.add(highlight("parking charges"))
    second = store.add(replace(highlight("Shop owners"), id=first.id[:5] + "-other"))
    with pytest.raises(UnknownAnnotationError, match="at least 4 characters"):
        store.get(first.id[:3])
    with pytest.raises(UnknownAnnotationError, match="matches 2 annotations"):
        store.get(first.id[:5])
    with pytest.raises(UnknownAnnotationError, match="no annotation has the id"):
        store.get("ffffffff-nope")
    assert store.get(second.id) == second


def test_add_existing_id_and_update_missing_id_are_errors(store: AnnotationStore) -> None:
    ann = store.add(highlight("parking charges"))
    with pytest.raises(DuplicateAnnotationError):
        store.add(ann)
    with pytest.raises(UnknownAnnotationError):
        store.edit(highlight("Shop owners").id, note="x")
    with pytest.raises(UnknownAnnotationError):
        store.delete("0000-missing")


def test_for_article_is_sorted_by_start_and_with_tags_is_case_insensitive(
    store: AnnotationStore,
) -> None:
    late = store.add(highlight("Shop owners", "Business"))
    early = store.add(highlight("council agreed", "politics"))
    weather = store.add(highlight("Rain", "Weather", "POLITICS", art=ARTICLE_B))
    assert store.for_article("000_council") == [early, late]
    assert store.for_article("001_weather") == [weather]
    assert store.for_article("999_none") == []
    assert store.with_tags(["Politics"]) == [early, weather]
    assert store.with_tags(["business", "weather"]) == [late, weather]
    assert store.with_tags(["nothing"]) == []
    store.delete(early.id)
    assert store.for_article("000_council") == [late]


# tags --------------------------------------------------------------------------------


def test_tags_lists_most_common_spelling_count_and_colour(store: AnnotationStore) -> None:
    store.add(highlight("council", "economy", "Politics"))
    store.add(highlight("parking", "Economy"))
    store.add(highlight("Shop", "Economy", "zoo"))
    assert store.tags() == [
        TagInfo("Economy", default_colour("economy"), 3, total=3),
        TagInfo("Politics", default_colour("politics"), 1, total=1),
        TagInfo("zoo", default_colour("zoo"), 1, total=1),
    ]


def test_set_tag_colour_is_case_insensitive_and_validated(store: AnnotationStore) -> None:
    store.add(highlight("council", "Politics"))
    store.set_tag_colour("POLITICS", "#F00")
    assert store.tag_colour("politics") == "#ff0000"
    assert reopen(store).tags()[0].colour == "#ff0000"
    with pytest.raises(InvalidTagError):
        store.set_tag_colour("politics", "not a colour")
    with pytest.raises(UnknownTagError, match="no annotation has the tag “Sport”"):
        store.set_tag_colour("Sport", "red")
    assert store.tag_colour("Sport") == default_colour("sport")


def test_rename_tag_keeps_its_colour(store: AnnotationStore) -> None:
    a = store.add(highlight("council", "econ", "Local"))
    store.add(highlight("parking", "Local"))
    store.set_tag_colour("econ", "blue")
    assert store.rename_tag("ECON", "Economy") == 1
    assert store.get(a.id).tags == ("Economy", "Local")
    assert store.tag_colour("economy") == "#61afef"
    assert [t.name for t in store.tags()] == ["Economy", "Local"]
    with pytest.raises(UnknownTagError):
        store.rename_tag("econ", "x")
    with pytest.raises(InvalidTagError):
        store.rename_tag("Local", "a,b")


def test_rename_to_an_existing_tag_merges(store: AnnotationStore) -> None:
    both = store.add(highlight("council", "Econ", "Economy"))
    one = store.add(highlight("parking", "Econ"))
    assert store.rename_tag("econ", "economy") == 2
    assert store.get(both.id).tags == ("economy",)
    assert store.get(one.id).tags == ("economy",)
    assert [(t.name, t.count) for t in store.tags()] == [("economy", 2)]


def test_merge_tags_uses_the_target_spelling(store: AnnotationStore) -> None:
    both = store.add(highlight("council", "climate", "Environment"))
    one = store.add(highlight("parking", "Climate"))
    store.add(highlight("Shop", "Environment"))
    store.set_tag_colour("climate", "red")
    assert store.merge_tags("CLIMATE", "environment") == 2
    assert store.get(both.id).tags == ("Environment",)
    assert store.get(one.id).tags == ("Environment",)
    assert [(t.name, t.count) for t in store.tags()] == [("Environment", 3)]
    with pytest.raises(UnknownTagError):
        store.merge_tags("climate", "environment")
    with pytest.raises(UnknownTagError):
        store.merge_tags("environment", "nope")
    with pytest.raises(InvalidTagError, match="into itself"):
        store.merge_tags("environment", "ENVIRONMENT")


def test_delete_tag_never_deletes_annotations(store: AnnotationStore) -> None:
    a = store.add(highlight("council", "Draft"))
    b = store.add(highlight("parking", "draft", "Keep"))
    assert store.delete_tag("DRAFT") == 2
    assert store.get(a.id).tags == ()
    assert store.get(b.id).tags == ("Keep",)
    assert len(store.all()) == 2
    with pytest.raises(UnknownTagError):
        store.delete_tag("draft")


# undo --------------------------------------------------------------------------------


def test_undo_of_each_kind_of_change(store: AnnotationStore) -> None:
    assert undo(store) is None
    ann = store.add(highlight("parking charges", "Econ"))
    store.edit(ann.id, note="x")
    store.set_tag_colour("econ", "red")
    store.rename_tag("econ", "Economy")
    other = store.add(highlight("Shop", "Business"))
    store.merge_tags("Business", "Economy")
    store.delete_tag("economy")
    store.delete(ann.id)

    assert undo(store) == "delete highlight “parking charges”"
    assert store.get(ann.id).tags == ()
    assert undo(store) == "delete tag Economy"
    assert store.get(ann.id).tags == ("Economy",)
    assert undo(store) == "merge tag Business into Economy"
    assert store.get(other.id).tags == ("Business",)
    assert undo(store) == "add highlight “Shop”"
    assert undo(store) == "rename tag Econ → Economy"
    assert store.get(ann.id).tags == ("Econ",)
    assert store.tag_colour("econ") == "#e06c75"
    assert undo(store) == "colour tag Econ #e06c75"
    assert store.tag_colour("econ") == default_colour("econ")
    assert undo(store) == "edit highlight “parking charges”"
    assert store.get(ann.id).note is None
    assert undo(store) == "add highlight “parking charges”"
    assert store.all() == []
    assert undo(store) is None


def test_undo_works_from_a_new_process_store(store: AnnotationStore) -> None:
    kept = store.add(highlight("council"))
    store.add(highlight("parking"))
    other = reopen(store)
    assert undo(other) == "add highlight “parking”"
    assert store.all() == [kept]
    assert reopen(store).all() == [kept]


def test_put_many_is_one_write_and_one_undo_step(store: AnnotationStore) -> None:
    first = store.add(highlight("council"))
    batch = [highlight("parking"), highlight("Shop"), first.with_changes(note="changed")]
    store.put_many(batch)
    assert len(store.all()) == 3
    assert undo(store) == "save 3 annotations"
    # Undo restores the content; `updated` says when it changed last (the undo).
    (restored,) = store.all()
    assert replace(restored, updated=first.updated) == first
    assert restored.updated > first.updated


def test_history_keeps_only_undo_limit_entries(db_path: Path) -> None:
    store = AnnotationStore.open(db_path, undo_limit=3)
    for quote in ("council", "parking", "Shop", "decision", "Tuesday"):
        store.add(highlight(quote))
    assert [undo(store) for _ in range(4)] == [
        "add highlight “Tuesday”",
        "add highlight “decision”",
        "add highlight “Shop”",
        None,
    ]
    assert [a.quote for a in store.all()] == ["council", "parking"]


# failures ----------------------------------------------------------------------------


def test_os_error_on_write_is_a_store_error_and_rolls_back(
    store: AnnotationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = store.add(highlight("council", "Politics"))
    store.add(highlight("parking", "Politics"))
    before = store.all()

    def denied(*_args: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "fsync", denied)
    with pytest.raises(StoreError, match="Permission denied; the change was not saved"):
        store.add(highlight("Shop"))
    with pytest.raises(StoreError):
        store.rename_tag("politics", "Policy")
    with pytest.raises(StoreError):
        store.delete(kept.id)
    with pytest.raises(StoreError):
        undo(store)
    assert store.all() == before
    assert store.for_article("000_council") == before
    assert [t.name for t in store.tags()] == ["Politics"]
    undo(monkeypatch)
    assert reopen(store).all() == before
    assert undo(store) == "add highlight “parking”"


def test_crash_before_replace_on_first_write_leaves_no_file(
    store: AnnotationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="Input/output error"):
        store.add(highlight("council"))
    assert store.all() == []
    assert not store.path.exists()
    assert list(store.path.parent.glob("*.tmp")) == []


def test_crash_before_replace_keeps_the_old_snapshot_bytes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AnnotationStore.open(db_path, compact_bytes=1)
    first = store.add(highlight("council"))
    before = db_path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    second = store.add(highlight("parking"))  # journaled; the compaction fails
    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.tmp")) == []
    undo(monkeypatch)
    assert reopen(store).all() == [first, second]


def test_corrupt_database_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b'{"broken": ')
    with pytest.raises(CorruptDatabaseError, match=str(db_path)):
        AnnotationStore.open(db_path)
    assert db_path.read_bytes() == b'{"broken": '


def test_lock_held_by_another_process_times_out(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.2)
    store = AnnotationStore.open(db_path)
    db_path.parent.mkdir(parents=True)
    holder = filelock.FileLock(str(db_path) + ".lock", thread_local=False)
    with holder, pytest.raises(StoreError, match="locked by another newsmark process"):
        store.add(highlight("council"))
    assert store.all() == []
    store.add(highlight("council"))
    assert len(store.all()) == 1


def test_changes_by_another_store_are_seen(store: AnnotationStore) -> None:
    store.add(highlight("council"))
    other = reopen(store)
    added = other.add(highlight("parking"))
    assert store.refresh()
    assert not store.refresh()
    assert store.get(added.id) == added
    assert len(store.for_article("000_council")) == 2


# re-anchoring ------------------------------------------------------------------------


class FakeCorpus:
    """The two methods of the Corpus contract that reanchor_all uses."""

    def __init__(self, *articles: Article) -> None:
        self.articles = {a.id: a for a in articles}
        self.parsed: list[str] = []

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.articles

    def article(self, article_id: str) -> Article:
        if article_id not in self.articles:
            raise UnknownArticleError(article_id)
        self.parsed.append(article_id)
        return self.articles[article_id]

    def content_hash(self, article_id: str) -> str:
        return self.articles[article_id].content_hash


def test_reanchor_all_without_changes_writes_nothing(store: AnnotationStore) -> None:
    assert store.reanchor_all(FakeCorpus()) == ReanchorReport()
    assert not store.path.parent.exists()


def test_reanchor_all_reports_and_saves_each_outcome(store: AnnotationStore) -> None:
    shop = store.add(highlight("Shop owners welcomed"))
    moved = store.add(highlight("council agreed"))
    typo = store.add(highlight("freeze parking charges"))
    gone = store.add(highlight("for a year"))
    same = store.add(highlight("Rain", art=ARTICLE_B))
    missing = store.add(highlight("north", art=article("002_deleted", "Up north.")))
    edited = article(
        "000_council",
        "Update.\n\nThe council agreed to freeze parkin charges.\n\n"
        "Shop owners welcomed the decision on Tuesday.",
    )
    corpus = FakeCorpus(edited, ARTICLE_B)
    report = store.reanchor_all(corpus)
    assert report == ReanchorReport(
        exact=2, fuzzy=1, orphaned=1, unchanged=1, missing=1, newly_orphaned=1
    )
    assert report.needs_notice
    assert store.get(moved.id).start == moved.start + len("Update.\n\n")
    assert store.get(shop.id).anchor == Anchor.EXACT
    assert store.get(typo.id).anchor == Anchor.FUZZY
    assert store.get(typo.id).quote == "freeze parkin charges"
    assert store.get(gone.id).anchor == Anchor.ORPHANED
    assert store.get(gone.id).quote == "for a year"
    assert store.get(same.id) == same
    assert store.get(missing.id) == missing  # not in this collection: left as it is
    corpus.parsed.clear()
    again = store.reanchor_all(corpus)
    assert again == ReanchorReport(exact=0, fuzzy=0, orphaned=1, unchanged=4, missing=1)
    assert not again.needs_notice  # nothing new to tell the user
    # Only the article holding an orphan is parsed again; the others match their hashes.
    assert corpus.parsed == ["000_council"]
    # Re-anchoring is not an undo step: undo reverts the user's last change (the last add).
    assert undo(store).startswith("add")
    assert missing.id not in {a.id for a in store.all()}
    assert store.get(moved.id).start == moved.start + len("Update.\n\n")


def test_orphans_of_a_missing_article_recover_when_it_is_back(
    store: AnnotationStore,
) -> None:
    """An orphan whose article was missing (orphaned when it was gone from a collection, as
    older versions did) is placed again once its article is back."""
    ann = store.add(highlight("parking charges"))
    store.put_many([replace(ann, anchor=Anchor.ORPHANED)])
    assert store.get(ann.id).anchor == Anchor.ORPHANED
    report = store.reanchor_all(FakeCorpus(ARTICLE_A))
    assert report == ReanchorReport(exact=1)
    assert store.get(ann.id).anchor == Anchor.EXACT
    assert reopen(store).get(ann.id).anchor == Anchor.EXACT


def test_orphans_recover_when_an_edited_article_is_reverted(store: AnnotationStore) -> None:
    ann = store.add(highlight("parking charges"))
    edited = article("000_council", "The council met.\n\nShop owners were not consulted.")
    store.reanchor_all(FakeCorpus(edited))
    assert store.get(ann.id).anchor == Anchor.ORPHANED
    assert store.reanchor_all(FakeCorpus(ARTICLE_A)) == ReanchorReport(exact=1)
    assert store.get(ann.id).anchor == Anchor.EXACT
    assert store.get(ann.id).start == ann.start


def test_annotations_of_another_collection_are_left_as_they_are(
    store: AnnotationStore,
) -> None:
    """One database may serve several collections: opening one does not orphan the
    annotations of another's articles (nor write anything), and no notice is given (found
    by a tester: each collection opened orphaned the other's annotations)."""
    ann = store.add(highlight("parking charges"))
    report = store.reanchor_all(FakeCorpus(ARTICLE_B))
    assert report == ReanchorReport(missing=1)
    assert not report.needs_notice
    assert store.get(ann.id) == ann
    assert reopen(store).get(ann.id) == ann


def test_tag_counts_and_article_counts_follow_every_change(store: AnnotationStore) -> None:
    def recount() -> list[tuple[str, int]]:
        keys: Counter[str] = Counter(t.casefold() for a in store.all() for t in a.tags)
        return sorted(keys.items())

    first = store.add(highlight("Shop owners welcomed", "Budget", "cars"))
    second = store.add(highlight("council agreed", "budget"))
    store.edit(second.id, tags=("Budget", "parking"))
    store.put_many([replace(first, tags=("cars",))])
    store.rename_tag("cars", "Vehicles")
    store.delete(second.id)
    undo(store)
    assert [(t.name.casefold(), t.count) for t in store.tags()] == recount()
    assert store.article_counts() == {"000_council": 2}
    other = reopen(store)
    assert [(t.name, t.count) for t in other.tags()] == [(t.name, t.count) for t in store.tags()]


def test_edit_many_changes_tags_as_they_are_in_one_undo_step(store: AnnotationStore) -> None:
    first = store.add(highlight("parking charges", "Budget"))
    second = store.add(highlight("Shop owners", "budget", "Local"))
    third = store.add(highlight("Rain", art=ARTICLE_B))
    other = reopen(store)
    other.edit(second.id, add_tags=["Shops"])  # made elsewhere after `store` last read
    changed = store.edit_many(
        [first.id, second.id, "gone"],
        add_tags=["Framing"],
        remove_tags=["BUDGET"],
        description="retag 2 annotations",
    )
    assert changed == 2
    assert store.get(first.id).tags == ("Framing",)
    assert store.get(second.id).tags == ("Local", "Shops", "Framing")
    assert store.get(third.id).tags == ()
    assert store.edit_many([third.id], remove_tags=["Framing"], description="nothing") == 0
    assert undo(store) == "retag 2 annotations"
    assert store.get(first.id).tags == ("Budget",)
    assert store.get(second.id).tags == ("budget", "Local", "Shops")


def test_undoing_a_rename_puts_the_tag_back_in_its_place(store: AnnotationStore) -> None:
    """(Found by a tester.) With a tag added since by another window, the tag a rename took
    back went to the end: `alpha, gamma` came back as `gamma, delta, alpha`."""
    ann = store.add(highlight("parking charges", "alpha", "gamma"))
    store.rename_tag("alpha", "renamed/alpha")
    other_window = AnnotationStore.open(store.path, origin="tui:4242")
    other_window.edit(ann.id, add_tags=["delta"])
    assert undo(store, mine=True) == "rename tag alpha → renamed/alpha"
    assert store.get(ann.id).tags == ("alpha", "gamma", "delta")
