"""Agreement between coders: the statistics against published worked examples and the
`krippendorff` package, units, which articles count, disagreements, adjudication, the CLI."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from annotations.adjudicate import accept_agreements, adjudicate
from annotations.agreement import (
    AgreementError,
    cohen_kappa,
    compute_agreement,
    krippendorff_alpha,
    percent_agreement,
)
from annotations.anchoring import new_annotation
from annotations.article import Article, ArticleMeta, Span
from annotations.coder import CONSENSUS
from annotations.model import Anchor, Annotation
from annotations.segment import segment_body
from annotations.store import AnnotationStore
from tests.conftest import RunCli

NAN = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: reliability
# data of 4 observers coding 12 units with missing values; nominal alpha = 0.743.
FOUR_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
# Krippendorff (2011), section A: two observers, ten units, binary data; alpha = 0.095.
TWO_OBSERVERS_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]


def counts_to_ratings(
    both_yes: int, first_only: int, second_only: int, both_no: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two raters' 0/1 ratings from the four cells of their 2×2 table."""
    first = [1] * both_yes + [1] * first_only + [0] * second_only + [0] * both_no
    second = [1] * both_yes + [0] * first_only + [1] * second_only + [0] * both_no
    return np.array(first), np.array(second)


def test_alpha_of_krippendorffs_four_observer_example() -> None:
    assert krippendorff_alpha(np.array(FOUR_OBSERVERS)) == pytest.approx(0.743, abs=5e-4)


def test_alpha_of_krippendorffs_binary_example() -> None:
    assert krippendorff_alpha(np.array(TWO_OBSERVERS_BINARY)) == pytest.approx(0.095, abs=5e-4)


@pytest.mark.parametrize(
    ("cells", "kappa"),
    [
        # Cohen's kappa, worked examples (Wikipedia, "Cohen's kappa"): 50 grant proposals read
        # by two readers, and two 100-item tables with the same 60% agreement.
        ((20, 5, 10, 15), 0.4),
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_kappa_of_published_examples(cells: tuple[int, int, int, int], kappa: float) -> None:
    first, second = counts_to_ratings(*cells)
    assert cohen_kappa(first, second) == pytest.approx(kappa, abs=5e-5)


def test_statistics_that_are_not_defined_are_none() -> None:
    same = np.zeros((2, 5), dtype=np.int8)
    assert krippendorff_alpha(same) is None  # one value only
    assert cohen_kappa(same[0], same[1]) is None  # chance agreement is 1
    assert percent_agreement(same) == 1.0
    empty = np.zeros((2, 0), dtype=np.int8)
    assert (
        krippendorff_alpha(empty),
        cohen_kappa(empty[0], empty[1]),
        percent_agreement(empty),
    ) == (None, None, None)


# Through annotations: random codings of sentences ------------------------------------------


def make_article(article_id: str, sentences: int) -> Article:
    paragraphs = [
        f"Sentence number {i} is here. And {i} more words follow." for i in range(sentences // 2)
    ]
    body = "\n\n".join(paragraphs)
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
    return Article(meta=meta, body=body, paragraphs=segment_body(body))


def span(unit: Span) -> tuple[int, int]:
    return unit.start, unit.end


def coded(article: Article, start: int, end: int, coder: str, *tags: str) -> Annotation:
    return new_annotation(article, start, end, tags=tags).with_changes(coder=coder)


@pytest.mark.parametrize("seed", range(8))
def test_sentence_statistics_match_the_package_on_random_codings(seed: int) -> None:
    rng = random.Random(seed)
    coders = ["ana", "ben", "cleo"][: rng.choice((2, 3))]
    articles = {f"a{n}": make_article(f"a{n}", 2 * rng.randint(3, 12)) for n in range(3)}
    annotations: list[Annotation] = []
    expected = {tag: [] for tag in ("x", "y")}
    for article in articles.values():
        for coder in coders:  # every coder codes every article (the first sentence at least)
            annotations.append(coded(article, *span(article.sentences[0]), coder, "z"))
        matrix = {
            tag: np.zeros((len(coders), len(article.sentences)), dtype=int) for tag in expected
        }
        for row, coder in enumerate(coders):
            for column, sentence in enumerate(article.sentences):
                tags = [t for t in expected if rng.random() < 0.4]
                if tags:
                    annotations.append(coded(article, sentence.start, sentence.end, coder, *tags))
                for tag in tags:
                    matrix[tag][row, column] = 1
        for tag in expected:
            expected[tag].append(matrix[tag])
    report = compute_agreement(annotations, coders, articles.__getitem__, tags=["x", "y"])
    pooled = []
    for tag, parts in expected.items():
        data = np.hstack(parts)
        pooled.append(data)
        scores = report.tags[tag]
        assert scores.alpha == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        )
        assert scores.agreement == pytest.approx(np.mean(np.all(data == data[0], axis=0)))
        assert scores.coded == dict(zip(coders, map(int, data.sum(axis=1)), strict=True))
        assert scores.both == int(np.all(data == 1, axis=0).sum())
        if len(coders) == 2:
            # kappa from the 2×2 table, written out: (p_o − p_e) / (1 − p_e)
            n = data.shape[1]
            yes = data.sum(axis=1) / n
            p_o = np.mean(data[0] == data[1])
            p_e = yes[0] * yes[1] + (1 - yes[0]) * (1 - yes[1])
            assert scores.kappa == pytest.approx((p_o - p_e) / (1 - p_e))
        else:
            assert scores.kappa is None
    everything = np.hstack(pooled)
    assert report.overall.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=everything, level_of_measurement="nominal")
    )
    assert report.units == sum(len(a.sentences) for a in articles.values())


# Units and which articles count ------------------------------------------------------------

ARTICLE = make_article("a0", 6)


def test_units_sentence_paragraph_character() -> None:
    first, second = ARTICLE.sentences[0], ARTICLE.sentences[1]
    # ana codes a word of sentence 1; ben the whole of sentences 1 and 2
    annotations = [
        coded(ARTICLE, first.start, first.start + 8, "ana", "x"),
        coded(ARTICLE, first.start, second.end, "ben", "x"),
    ]
    load = {"a0": ARTICLE}.__getitem__
    by_sentence = compute_agreement(annotations, ["ana", "ben"], load)
    assert by_sentence.tags["x"].coded == {"ana": 1, "ben": 2}
    assert by_sentence.units == 6
    by_paragraph = compute_agreement(annotations, ["ana", "ben"], load, unit="paragraph")
    assert by_paragraph.units == 3
    assert by_paragraph.tags["x"].coded == {"ana": 1, "ben": 1}
    assert by_paragraph.tags["x"].agreement == 1.0
    by_character = compute_agreement(annotations, ["ana", "ben"], load, unit="character")
    assert by_character.units == len(ARTICLE.body)
    assert by_character.tags["x"].coded == {"ana": 8, "ben": second.end - first.start}
    assert by_character.tags["x"].both == 8
    [run] = by_character.disagreements["x"]
    assert (run.start, run.end, run.coded_by) == (first.start + 8, second.end, ("ben",))


def test_only_articles_every_coder_coded_count_unless_all() -> None:
    other = make_article("a1", 4)
    never = make_article("a2", 4)
    articles = {"a0": ARTICLE, "a1": other, "a2": never}
    annotations = [
        coded(ARTICLE, *span(ARTICLE.sentences[0]), "ana", "x"),
        coded(ARTICLE, *span(ARTICLE.sentences[1]), "ben", "x"),
        coded(other, *span(other.sentences[0]), "ana", "x"),
    ]
    report = compute_agreement(annotations, ["ana", "ben"], articles.__getitem__)
    assert report.articles == ("a0",)
    every = compute_agreement(
        annotations,
        ["ana", "ben"],
        articles.__getitem__,
        all_articles=True,
        all_article_ids=list(articles),
    )
    assert every.articles == ("a0", "a1", "a2")
    assert every.units == 6 + 4 + 4
    assert every.tags["x"].coded == {"ana": 2, "ben": 1}


def test_orphans_cover_nothing_and_bad_coder_lists_are_refused() -> None:
    load = {"a0": ARTICLE}.__getitem__
    orphan = coded(ARTICLE, *span(ARTICLE.sentences[2]), "ben", "x").with_changes(
        anchor=Anchor.ORPHANED
    )
    annotations = [coded(ARTICLE, *span(ARTICLE.sentences[0]), "ana", "x"), orphan]
    assert compute_agreement(annotations, ["ana", "ben"], load).tags["x"].coded == {
        "ana": 1,
        "ben": 0,
    }
    with pytest.raises(AgreementError, match="at least two"):
        compute_agreement(annotations, ["ana"], load)
    with pytest.raises(AgreementError, match="listed twice"):
        compute_agreement(annotations, ["ana", "ANA"], load)
    with pytest.raises(AgreementError, match="no annotations by a coder named “zed”"):
        compute_agreement(annotations, ["ana", "zed"], load)


# Adjudication ----------------------------------------------------------------------------


def test_adjudication_keeps_one_version_both_or_neither(db_path: Path) -> None:
    first, second = ARTICLE.sentences[0], ARTICLE.sentences[1]
    ana = coded(ARTICLE, first.start, first.start + 8, "ana", "x")
    ben = coded(ARTICLE, first.start + 4, second.end, "ben", "x", "y")
    store = AnnotationStore.open(db_path, coder="lead")
    store.put_many([ana, ben])

    def decide(keep: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        decision = adjudicate(
            ARTICLE,
            store.all(),
            start=first.start,
            end=first.end,
            tag="x",
            keep=keep,
            label="sentence 1",
        )
        store.replace_many(decision.delete, decision.add, description=decision.description)
        return sorted((a.start, a.end, a.tags) for a in store.all() if a.coder == CONSENSUS)

    assert decide(["ana"]) == [(first.start, first.start + 8, ("x",))]
    # ben's annotation runs on into sentence 2: only the part in this unit is kept
    assert decide(["ben"]) == [(first.start + 4, first.end, ("x",))]
    assert decide(["ana", "ben"]) == [(first.start, first.end, ("x",))]
    assert decide([]) == []
    assert store.history()[0].description == "adjudicate x in a0 sentence 1: keep neither version"
    store.undo()
    assert [a.coder for a in store.all()].count(CONSENSUS) == 1  # one undo step each
    # the coders' own annotations are never touched
    assert {a.id for a in store.all() if a.coder != CONSENSUS} == {ana.id, ben.id}


def test_the_consensus_takes_the_units_the_coders_agree_on(db_path: Path) -> None:
    """(Found by a tester.) Only disagreements were decided, so a paragraph both coders
    tagged never reached the consensus, and agreement with it came out too low. Ana tags
    paragraphs 1 and 2, ben 1 and 6; paragraph 2 goes to ana, 6 to ben, and the one they
    agree on is accepted: the consensus is {1, 2, 6}."""
    article = make_article("a0", 12)  # six paragraphs
    paragraphs = article.paragraphs
    codings = [
        coded(article, paragraphs[n].start, paragraphs[n].end, coder, "ties")
        for coder, numbers in (("ana", (0, 1)), ("ben", (0, 5)))
        for n in numbers
    ]
    store = AnnotationStore.open(db_path, coder="lead")
    store.put_many(codings)
    report = compute_agreement(
        store.all(), ["ana", "ben"], lambda _id: article, tags=["ties"], unit="paragraph"
    )
    assert [(u.label, u.coded_by) for u in report.agreements["ties"]] == [
        ("paragraph 1", ("ana", "ben"))
    ]
    assert [u.label for u in report.disagreements["ties"]] == ["paragraph 2", "paragraph 6"]
    for item, keep in zip(report.disagreements["ties"], (["ana"], ["ben"]), strict=True):
        decision = adjudicate(
            article, store.all(), start=item.start, end=item.end, tag="ties", keep=keep
        )
        store.replace_many(decision.delete, decision.add, description=decision.description)
    accepted = accept_agreements(
        report.agreements["ties"], store.all(), lambda _id: article, tag="ties"
    )
    assert accepted.description == "accept the agreements on ties: 1 unit"
    store.replace_many(accepted.delete, accepted.add, description=accepted.description)
    again = accept_agreements(
        report.agreements["ties"], store.all(), lambda _id: article, tag="ties"
    )
    assert again.add == ()  # accepted once
    against = compute_agreement(
        store.all(), ["ana", CONSENSUS], lambda _id: article, tags=["ties"], unit="paragraph"
    )
    scores = against.tags["ties"]
    # Worked by hand: only paragraph 6 differs; chance agreement is 2/6 * 3/6 + 4/6 * 3/6.
    assert scores.agreement == pytest.approx(5 / 6)
    assert scores.kappa == pytest.approx((5 / 6 - 1 / 2) / (1 - 1 / 2))


# The command line --------------------------------------------------------------------------


@pytest.fixture
def cli(run_cli: RunCli, samples_dir: Path, db_path: Path) -> RunCli:
    return lambda *args: run_cli("--library", str(samples_dir), "--db", str(db_path), *args)


def test_agreement_json_shape(cli: RunCli) -> None:
    for coder, quote, tag in (
        ("ana", "six major goals", "security"),
        ("ben", "six major goals", "security"),
        ("ben", "make the pie of common interests", "economy"),
        ("ana", "Vo Van Thuong", "people"),
    ):
        assert cli("--coder", coder, "annotate", "000", "--quote", quote, "--tag", tag).code == 0
    result = cli("agreement", "--coders", "ana", "ben", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert set(report) >= {"coders", "unit", "units", "tags", "overall"}
    assert (report["coders"], report["unit"]) == (["ana", "ben"], "sentence")
    assert set(report["tags"]) == {"economy", "people", "security"}
    for scores in (*report["tags"].values(), report["overall"]):
        assert set(scores) >= {"alpha", "kappa", "agreement", "coded", "both"}
        assert set(scores["coded"]) == {"ana", "ben"}
    assert report["tags"]["security"]["both"] == 1
    assert report["tags"]["security"]["kappa"] == 1.0
    assert report["tags"]["economy"]["coded"] == {"ana": 0, "ben": 1}
    assert report["tags"]["economy"]["alpha"] < 0.1
    only = json.loads(
        cli(
            "agreement",
            "--coders",
            "ana",
            "ben",
            "--tag",
            "security",
            "--unit",
            "paragraph",
            "--json",
        ).out
    )
    assert list(only["tags"]) == ["security"] and only["unit"] == "paragraph"
    text = cli("agreement", "--coders", "ana", "ben")
    assert "security" in text.out and "overall" in text.out
    bad = cli("agreement", "--coders", "ana", "nobody")
    assert (bad.code, bad.err) == (1, "newsmark: error: no annotations by a coder named “nobody”\n")


def test_agreement_tags_and_articles_take_the_comma_form(cli: RunCli) -> None:
    for coder, quote, tag in (
        ("ana", "six major goals", "security"),
        ("ben", "six major goals", "security"),
        ("ana", "Vo Van Thuong", "people"),
        ("ben", "make the pie of common interests", "economy"),
    ):
        assert cli("--coder", coder, "annotate", "000", "--quote", quote, "--tag", tag).code == 0

    def tags_of(*options: str) -> list[str]:
        result = cli("agreement", "--coders", "ana", "ben", "--json", *options)
        assert result.code == 0, result.err
        return sorted(json.loads(result.out)["tags"])

    assert tags_of("--tag", "security, people") == ["people", "security"]
    assert tags_of("--tag", "security", "economy,people") == ["economy", "people", "security"]
    assert tags_of("--tag", "security", "--tag", "people,") == ["people", "security"]
    report = json.loads(
        cli(
            "agreement",
            "--coders",
            "ana",
            "ben",
            "--json",
            "--article",
            "000,001",
            "--articles",
            "all",
        ).out
    )
    assert [a[:3] for a in report["articles"]] == ["000", "001"]
    bad = cli("agreement", "--coders", "ana", "ben", "--article", "000, nope")
    assert bad.code == 1 and bad.err.startswith("newsmark: error: ") and "nope" in bad.err


def test_an_unknown_tag_is_an_error_not_perfect_agreement(cli: RunCli) -> None:
    for coder in ("ana", "ben"):
        assert (
            cli(
                "--coder",
                coder,
                "annotate",
                "000",
                "--quote",
                "six major goals",
                "--tag",
                "security",
            ).code
            == 0
        )
    assert (
        cli(
            "--coder", "cleo", "annotate", "000", "--quote", "Vo Van Thuong", "--tag", "people"
        ).code
        == 0
    )
    bad = cli("agreement", "--coders", "ana", "ben", "--tag", "nosuchtag")
    assert (bad.code, bad.out) == (1, "")
    assert bad.err == "newsmark: error: no annotation by ana or ben has the tag “nosuchtag”\n"
    # a tag only another coder used is unknown to these two
    other = cli("agreement", "--coders", "ana", "ben", "--tag", "security,people,zz")
    assert other.code == 1 and "the tags “people”, “zz”" in other.err
    assert cli("agreement", "--coders", "ana", "ben", "--tag", "Security").code == 0


def test_agreement_takes_a_tag_named_as_it_would_be_typed(cli: RunCli) -> None:
    """(Found by a tester.) `--tag /security` is the tag security; `--tag /` names none."""
    for coder in ("ana", "ben"):
        made = cli(
            "--coder", coder, "annotate", "000", "--quote", "six major goals", "--tag", "security"
        )
        assert made.code == 0, made.err
    typed = cli("agreement", "--coders", "ana", "ben", "--tag", "/security", "--json")
    assert typed.code == 0, typed.err
    assert list(json.loads(typed.out)["tags"]) == ["security"]


def test_a_tag_an_earlier_version_stored_with_an_empty_level_is_compared() -> None:
    """(Found by a reviewer.) Asked for by the name the annotations carry (`a//b`, as the
    agreement screen lists it), it was taken as `a/b` and said to be nobody's."""
    from dataclasses import replace

    article = make_article("a0", 4)
    first, second = article.sentences[0], article.sentences[1]
    legacy = [
        replace(coded(article, first.start, first.end, "ana", "x"), tags=("a//b",)),
        replace(coded(article, second.start, second.end, "ben", "x"), tags=("a//b",)),
    ]
    report = compute_agreement(legacy, ["ana", "ben"], lambda _id: article, tags=["a//b"])
    assert list(report.tags) == ["a//b"] and report.tags["a//b"].coded == {"ana": 1, "ben": 1}
    with pytest.raises(AgreementError, match="names no tag"):
        compute_agreement(legacy, ["ana", "ben"], lambda _id: article, tags=["/"])


def test_accepting_character_runs_fills_what_the_consensus_lacks(db_path: Path) -> None:
    """(Found by a reviewer.) A run of characters the consensus covered only in part was
    skipped whole, and counted as accepted: the gap was never filled."""
    article = make_article("a0", 4)
    base = article.sentences[0].start
    store = AnnotationStore.open(db_path, coder="lead")
    ana = coded(article, base, base + 20, "ana", "x")
    ben = coded(article, base + 10, base + 20, "ben", "x")
    store.put_many([ana, ben])

    def report() -> object:
        return compute_agreement(
            store.all(), ["ana", "ben"], lambda _id: article, tags=["x"], unit="character"
        )

    [gap] = report().disagreements["x"]  # characters 0-10: ana only
    decision = adjudicate(article, store.all(), start=gap.start, end=gap.end, tag="x", keep=["ana"])
    store.replace_many(decision.delete, decision.add, description=decision.description)
    store.put_many([ben.with_changes(start=base + 5, quote=article.body[base + 5 : base + 20])])
    agreed = report().agreements["x"]  # now 5-20, the consensus holding 5-10 of it
    accepted = accept_agreements(
        agreed, store.all(), lambda _id: article, tag="x", whole_units=False
    )
    assert [(a.start, a.end) for a in accepted.add] == [(base + 10, base + 20)]
    store.replace_many(accepted.delete, accepted.add, description=accepted.description)
    consensus = sorted((a.start, a.end) for a in store.all() if a.coder == CONSENSUS)
    assert consensus == [(base, base + 10), (base + 10, base + 20)]
    whole = accept_agreements(agreed, store.all(), lambda _id: article, tag="x", whole_units=False)
    assert whole.add == ()
