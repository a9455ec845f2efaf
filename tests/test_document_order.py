"""`in_document_order`: the same order as sorting by the `document_order` tuples."""

from __future__ import annotations

import random

from annotations.model import Annotation, document_order, in_document_order


def test_in_document_order_is_sorting_by_the_key() -> None:
    rng = random.Random(20261130)
    annotations = [
        Annotation(
            id=f"{rng.randrange(50):02d}-{n}",
            article=rng.choice(["000_b", "000_a", "010_x", "000_a2"]),
            quote="q",
            start=(start := rng.randrange(6)),
            end=start + rng.randrange(3),
            prefix="",
            suffix="",
            body_hash="",
        )
        for n in range(400)
    ]
    ordered = in_document_order(annotations)
    assert ordered == sorted(annotations, key=document_order)
    assert ordered != annotations and in_document_order([]) == []
