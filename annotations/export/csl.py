"""Article metadata as CSL-JSON items (the data model of Zotero, Pandoc and citeproc).

One item per article: `type: article-newspaper`, `title`, `author` (family/given for
people, `literal` for organisations such as "Reuters Staff"), `container-title` (the
outlet), `issued`, `URL` and `accessed`. Every item's `id` is a stable citation key
(`xu2023presidents`), shared with the BibTeX export and Pandoc citations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from annotations.article import ArticleMeta

_ISO_PARTS = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_KEY_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an the of on in at to for and or but with by from as is are was be its it this that "
    "der die das ein eine und le la les un une des du de el los las".split()
)
# A byline word that says the author is an organisation or a desk, not a person.
_ORGANISATION_WORDS = frozenset(
    "staff desk news agency agencies press editors editorial board team reporters service "
    "bureau wire correspondents online daily times post herald tribune network media".split()
)
# Common Chinese family names in pinyin: "Xu Wei" is family name first.
_PINYIN_FAMILY_NAMES = frozenset(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng "
    "liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye "
    "cheng wei su lu ding ren shen yao zhong cui tan fan jin qian qin shi xiong meng bai wen "
    "kong mao qiu hou lei long duan hao shao fu mo jia xia fang xue gu dai qiao kang yin "
    "gong wan qi yan pang bao zhan chang niu zou jiao ji tao shang tong geng guan hong "
    "kou kuang liao ling lou lyu lv nie ning pei qu rao rong ruan sha shan tu weng xiang "
    "xing yi you yue zang zhai zhuang zhuo zuo ouyang sima situ zhuge".split()
)
_PINYIN_GIVEN = re.compile(r"^[A-Z][a-z]{1,9}(?:-?[a-z]{1,6})?$")
# Vietnamese family names (with and without their diacritics): "Nguyen Thu Ha" is family
# name first, then the middle and given names.
_VIETNAMESE_FAMILY_NAMES = frozenset(
    "nguyen nguyễn tran trần le lê pham phạm hoang hoàng huynh huỳnh phan vu vũ vo võ "
    "dang đặng bui bùi do đỗ ho hồ ngo ngô duong dương ly lý trinh trịnh dinh đinh "
    "truong trương doan đoàn".split()
)


def csl_date(value: str | None) -> dict[str, Any] | None:
    """An ISO date (or date-time) as CSL `date-parts`; None when it is not ISO."""
    match = _ISO_PARTS.match(value.strip()) if value else None
    if match is None:
        return None
    parts = [int(part) for part in match.groups() if part]
    return {"date-parts": [parts]}


def is_organisation(name: str) -> bool:
    """Whether a byline names an organisation ("Reuters", "AP", "Reuters Staff").

    A single word, a name in capitals, or one with a word such as "Staff" or "News"
    is not split into family and given names.
    """
    words = name.split()
    if len(words) < 2 or name.isupper():
        return True
    return any(word.lower().strip(".,") in _ORGANISATION_WORDS for word in words)


def csl_name(name: str) -> dict[str, str]:
    """'Carrie Arnold' → {'family': 'Arnold', 'given': 'Carrie'}; organisations → literal.

    The family name is the last word (with a lower-case particle before it: "van Gogh"),
    except for a Chinese name in pinyin ("Mo Jingxi") or a Vietnamese name ("Nguyen Thu
    Ha"), written family name first.
    """
    name = " ".join(name.split())
    if is_organisation(name):
        return {"literal": name}
    words = name.split()
    if (
        len(words) == 2
        and words[0].lower() in _PINYIN_FAMILY_NAMES
        and _PINYIN_GIVEN.match(words[1])
    ) or (
        2 <= len(words) <= 4
        and words[0].lower() in _VIETNAMESE_FAMILY_NAMES
        and all(word[:1].isupper() for word in words[1:])
    ):
        return {"family": words[0], "given": " ".join(words[1:])}
    cut = len(words) - 1
    while cut > 1 and words[cut - 1][:1].islower():
        cut -= 1
    return {"family": " ".join(words[cut:]), "given": " ".join(words[:cut])}


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _KEY_WORD.findall(folded)


def _base_key(meta: ArticleMeta) -> str:
    """Author's family name (else the outlet's, as for an author written in a script
    without Latin letters), year, first title word (else a word of the article's id):
    every part in ASCII, as BibTeX wants keys."""
    who: list[str] = []
    if meta.authors:
        name = csl_name(meta.authors[0])
        who = _ascii_words(name.get("family") or name.get("literal", ""))
    if not who:
        who = _ascii_words(meta.source or "")
    year = (meta.date or "")[:4] if csl_date(meta.date) else "nd"
    title_words = [w for w in _ascii_words(meta.title) if w not in _STOPWORDS] or [
        w for w in _ascii_words(meta.id) if not w.isdigit()
    ]
    return "".join(who[:1]) + year + "".join(title_words[:1]) or "article"


def citation_keys(metas: Iterable[ArticleMeta]) -> dict[str, str]:
    """Citation keys by article id: author family name, year, first title word.

    Equal keys are told apart with suffixes in article-id order (`xu2023presidentsa`,
    `xu2023presidentsb`). Give every article of the collection (as exports do, whatever
    they cite), so that an article's key does not depend on which others are exported.
    """
    by_base: dict[str, list[str]] = {}
    for meta in sorted(metas, key=lambda m: m.id):
        by_base.setdefault(_base_key(meta), []).append(meta.id)
    keys: dict[str, str] = {}
    for base, ids in by_base.items():
        if len(ids) == 1:
            keys[ids[0]] = base
            continue
        for index, article_id in enumerate(ids):
            keys[article_id] = base + _suffix(index)
    return keys


def _suffix(index: int) -> str:
    """a, b, …, z, aa, ab, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def csl_item(meta: ArticleMeta, key: str, *, accessed: str | None = None) -> dict[str, Any]:
    """One article as a CSL-JSON item; unknown fields are left out.

    `accessed` (an ISO date, usually the export date) is only given with a URL.
    """
    item: dict[str, Any] = {"id": key, "type": "article-newspaper", "title": meta.title}
    if meta.authors:
        item["author"] = [csl_name(name) for name in meta.authors]
    if meta.source:
        item["container-title"] = meta.source
    if issued := csl_date(meta.date):
        item["issued"] = issued
    if meta.url:
        item["URL"] = meta.url
        if when := csl_date(accessed):
            item["accessed"] = when
    return item


def csl_items(
    metas: Mapping[str, ArticleMeta],
    *,
    accessed: str | None = None,
    keys: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """CSL-JSON items for the articles in `metas`, in article-id order, keyed by `keys`
    (article id -> key; default: `citation_keys` of `metas`)."""
    keys = keys if keys is not None else citation_keys(metas.values())
    return [csl_item(metas[i], keys[i], accessed=accessed) for i in sorted(metas)]
