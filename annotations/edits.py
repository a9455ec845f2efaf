"""Applying a user's edit to an annotation that may have changed since the edit began."""

from __future__ import annotations

from collections.abc import Iterable

from annotations.model import Annotation
from annotations.tags import normalise_tags, tag_key


def merge_edit(
    original: Annotation, current: Annotation, tags: Iterable[str], note: str | None
) -> Annotation:
    """`current` with the changes the user made to `original` (tags added or removed, the
    note if they changed it); what another terminal changed meanwhile is kept."""
    edited = normalise_tags(tags)
    before = {tag_key(tag) for tag in original.tags}
    after = {tag_key(tag) for tag in edited}
    kept = [tag for tag in current.tags if tag_key(tag) not in before - after]
    added = [tag for tag in edited if tag_key(tag) not in before]
    new_note = note if note != original.note else current.note
    return current.with_changes(tags=normalise_tags([*kept, *added]), note=new_note)
