"""Each sample's extracted metadata, clean body and captions."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.article import ParagraphKind
from annotations.corpus import Corpus

BOILERPLATE = [
    "Home > NEWS",
    "Release Date",
    "Editor: Galia",
    "About us",
    "Sponsored by",
    "Operated by",
    "Registration number",
    "recommended to use the Chrome",
    "Web editor",
    "Reference(s)",
    "cgtn.com",
    "By Xu Wei",
    "By XU WEI",
    "08:35, December 14",
    "Xinhua) 10:06",
    " date 2023-12-13",
]

EXPECTED = {
    "000_e730ce0a32d34978": {
        "title": "Presidents vow to advance solidarity, cooperation",
        "source": "China Daily",
        "date": "2023-12-14T08:35",
        "author": "Xu Wei",
        "first_words": "President Xi Jinping emphasized on Wednesday",
        "last_words": "cultural center in China.",
        "captions": 1,
    },
    "001_cd3da7863ef62599": {
        "title": "China, Vietnam agree to build community with shared future that carries "
        "strategic significance",
        "source": "Xinhua",
        "date": "2023-12-19T14:32:46",
        "author": None,
        "first_words": "China and Vietnam on Tuesday agreed to build a community",
        "last_words": "carries strategic significance.",
        "captions": 1,
    },
    "002_4507068b08cafca8": {
        "title": "Sino-Vietnamese political mutual trust enhanced",
        "source": "China Daily",
        "date": "2023-04-27T08:42",
        "author": "Xu Wei",
        "first_words": "President Xi Jinping underscored on Wednesday",
        "last_words": "socialist cause forward.",
        "captions": 1,
    },
    "003_4a3f0146945ab2e7": {
        "title": "Xi and senior Vietnamese official pledge stronger bilateral ties",
        "source": "CGTN",
        "date": None,
        "author": None,
        "first_words": "In a significant move to bolster regional cooperation",
        "last_words": "comprehensive strategic partnership.",
        "captions": 0,
    },
    "004_f7a2648440f22fec": {
        "title": "China, Vietnam agree to implement consensus with concrete actions: senior "
        "officials",
        "source": "Xinhua",
        "date": "2023-12-13T10:06",
        "author": None,
        "first_words": "HANOI, Dec. 12 (Xinhua) -- China and Vietnam should lose no time",
        "last_words": "(Xinhua/Liu Weibing)",
        "captions": 2,
    },
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.open(Path(__file__).resolve().parent.parent / "samples", use_cache=False)


def test_every_sample_loads_without_notices(corpus: Corpus) -> None:
    assert [meta.id for meta in corpus] == sorted(EXPECTED)
    assert corpus.notices == []


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_metadata(corpus: Corpus, article_id: str) -> None:
    expected = EXPECTED[article_id]
    meta = corpus.meta(article_id)
    assert meta.title == expected["title"]
    assert meta.source == expected["source"]
    assert meta.date == expected["date"]
    assert meta.author == expected["author"]
    assert meta.words > 300


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_body_is_free_of_boilerplate(corpus: Corpus, article_id: str) -> None:
    expected = EXPECTED[article_id]
    article = corpus.article(article_id)
    text_paragraphs = [
        article.text(p.start, p.end) for p in article.paragraphs if p.kind == ParagraphKind.TEXT
    ]
    assert text_paragraphs[0].startswith(expected["first_words"])
    assert article.body.endswith(expected["last_words"])
    for fragment in BOILERPLATE:
        assert fragment not in article.body, fragment
    assert expected["title"] not in article.body.split("\n\n")[0]


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_captions_are_flagged(corpus: Corpus, article_id: str) -> None:
    article = corpus.article(article_id)
    captions = [
        article.text(p.start, p.end) for p in article.paragraphs if p.kind == ParagraphKind.CAPTION
    ]
    assert len(captions) == EXPECTED[article_id]["captions"]
    for caption in captions:
        assert caption.endswith(("]", ")"))


def test_caption_keeps_its_literal_brackets(corpus: Corpus) -> None:
    article = corpus.article("000")
    assert "[FENG YONGBIN/CHINA DAILY]" in article.body


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_body_structure_and_segmentation(corpus: Corpus, article_id: str) -> None:
    article = corpus.article(article_id)
    body = article.body
    assert "\r" not in body and "\n\n\n" not in body
    assert body == "\n\n".join(article.text(p.start, p.end) for p in article.paragraphs)
    for paragraph in article.paragraphs:
        assert "\n" not in article.text(paragraph.start, paragraph.end)
        assert paragraph.sentences
        for sentence in paragraph.sentences:
            assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
            text = article.text(sentence.start, sentence.end)
            assert text == text.strip()


def test_sentences_respect_abbreviations(corpus: Corpus) -> None:
    article = corpus.article("004")
    sentences = [article.text(s.start, s.end) for s in article.sentences]
    assert any(s.startswith("HANOI, Dec. 12 (Xinhua) -- China and Vietnam") for s in sentences)
    assert "HANOI, Dec." not in sentences


def test_content_hash_is_stable(corpus: Corpus) -> None:
    again = Corpus.open(corpus.root, use_cache=False)
    for meta in corpus:
        assert corpus.article(meta.id).content_hash == again.article(meta.id).content_hash


def test_photo_credit_stays_with_its_sentence(corpus: Corpus) -> None:
    article = corpus.article("000")
    caption = article.paragraphs[0]
    assert caption.kind == ParagraphKind.CAPTION
    assert [article.text(s.start, s.end)[-27:] for s in caption.sentences] == [
        "Wednesday. [FENG YONGBIN/CHINA DAILY]"[-27:]
    ]
