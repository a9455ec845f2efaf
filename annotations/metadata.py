"""Recognising metadata lines (bylines, dates, sources) in copies of news pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
_WORDY_DATE = rf"(?P<month>{_MONTH_PATTERN})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
_ISO_DATE = r"(?P<iso>\d{4}-\d{2}-\d{2})(?:[ T](?P<isotime>\d{2}:\d{2}(?::\d{2})?))?"

# "08:35, December 14, 2023 By Xu Wei ( China Daily"
_TIME_DATE_BYLINE = re.compile(
    rf"^{_TIME},\s+{_WORDY_DATE}(?:\s+By\s+(?P<author>.+?))?(?:\s*\(\s*(?P<source>[^()]+?)\)?)?$",
    re.IGNORECASE,
)
# "Xinhua) 10:06, December 13, 2023"
_SOURCE_TIME_DATE = re.compile(
    rf"^\(?(?P<source>[A-Z][\w .&'-]{{1,40}}?)\)\s+{_TIME},\s+{_WORDY_DATE}$"
)
# "Release Date:2023-12-19 14:32:46    Source:Xinhua"
_RELEASE_DATE = re.compile(
    rf"^(?:Release Date|Published|Updated|Date)\s*:\s*{_ISO_DATE}"
    r"(?:\s+Source\s*:\s*(?P<source>.+))?$",
    re.IGNORECASE,
)
# " date 2023-12-13 China, Vietnam agree to ..." (a date glued before the title)
_DATE_THEN_TITLE = re.compile(rf"^date\s+{_ISO_DATE}\s+(?P<title>\S.*)$", re.IGNORECASE)
# "December 12, 2023 By Reuters Staff" (a date and byline without a time)
_DATE_BYLINE = re.compile(rf"^{_WORDY_DATE}\s+By\s+(?P<author>[^\d|]{{2,80}}?)$", re.IGNORECASE)
# "2023年12月13日 来源：人民日报" (a Chinese dateline with its source)
_CJK_DATELINE = re.compile(
    r"^(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"(?:\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
    r"(?:\s*(?:来源|來源)\s*[:：]\s*(?P<source>\S.{0,40}))?$"
)
_BY_LINE = re.compile(r"^By\s+(?P<author>[^\d|]{2,80}?)(?:\s*\|\s*(?P<source>.+))?$")
_SOURCE_LINE = re.compile(r"^Source\s*:\s*(?P<source>.{2,60})$", re.IGNORECASE)

# Outlets known by their web domain (used when an article only names its site).
OUTLETS_BY_DOMAIN = {
    "cgtn.com": "CGTN",
    "chinadaily.com.cn": "China Daily",
    "xinhuanet.com": "Xinhua",
    "news.cn": "Xinhua",
    "people.com.cn": "People's Daily",
    "people.cn": "People's Daily",
    "globaltimes.cn": "Global Times",
    "scmp.com": "South China Morning Post",
    "vnexpress.net": "VnExpress",
    "reuters.com": "Reuters",
    "apnews.com": "AP",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "nytimes.com": "The New York Times",
    "dw.com": "DW",
    "spiegel.de": "Der Spiegel",
    "zeit.de": "Die Zeit",
    "theguardian.com": "The Guardian",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "ft.com": "Financial Times",
    "cnn.com": "CNN",
    "nbcnews.com": "NBC News",
    "foxnews.com": "Fox News",
    "theverge.com": "The Verge",
    "techcrunch.com": "TechCrunch",
    "zdnet.com": "ZDNet",
    "heise.de": "heise online",
    "aljazeera.com": "Al Jazeera",
    "afp.com": "AFP",
    "ptinews.com": "PTI",
    "thehindu.com": "The Hindu",
    "straitstimes.com": "The Straits Times",
    "japantimes.co.jp": "The Japan Times",
    "futurezone.at": "futurezone",
}
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.|en\.|english\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$")
_URL_HOST = re.compile(r"^https?://(?:www\.|en\.|english\.)?([^/:?#]+)", re.IGNORECASE)
# "… | ZDNet", "… – TechCrunch", "Opinion | …": a title split into segments.
_TITLE_SEPARATOR = re.compile(r"(\s+(?:\||–|—|-|::|·|/)\s+)")
_SECTION_SEGMENTS = frozenset(
    "opinion analysis news video live editorial commentary breaking exclusive".split()
)
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_JUNK_OUTLET = re.compile(r"^(?:copyright|©|\(c\)|hosted\b|home\b|all rights)", re.IGNORECASE)
# "Phil Helsel is a reporter …", "AP Sports Writer", "Carrie Arnold November 3": job titles
# and dates glued to a name.
_AUTHOR_TAIL = re.compile(
    r"(?:\s+is\s+an?\s+.*"
    r"|\s*,?\s+(?:(?:senior|staff|sports|chief|political|special|contributing|science)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist)s?\b.*)$",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(rf",?\s+{_MONTH_PATTERN}(?:\s+\d.*)?$", re.IGNORECASE)


@dataclass
class Byline:
    """What one metadata line told us; fields are None when the line did not say."""

    date: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    title: str | None = None

    @property
    def is_empty(self) -> bool:
        """Whether nothing was recognised."""
        return not (self.date or self.authors or self.source or self.title)


def parse_byline(line: str) -> Byline:
    """Recognise a dateline/byline/source line; an empty `Byline` if it is ordinary text."""
    text = single_spaced(line)
    if match := _TIME_DATE_BYLINE.match(text):
        return Byline(
            date=_wordy_date(match, match.group("time")),
            authors=split_authors(match.group("author") or ""),
            source=_clean_source(match.group("source")),
        )
    if match := _SOURCE_TIME_DATE.match(text):
        return Byline(
            date=_wordy_date(match, match.group("time")),
            source=_clean_source(match.group("source")),
        )
    if match := _DATE_BYLINE.match(text):
        return Byline(date=_wordy_date(match, None), authors=split_authors(match.group("author")))
    if match := _CJK_DATELINE.match(text):
        return Byline(date=_cjk_date(match), source=_clean_source(match.group("source")))
    if match := _RELEASE_DATE.match(text):
        return Byline(date=_iso_date(match), source=_clean_source(match.group("source")))
    if match := _DATE_THEN_TITLE.match(text):
        return Byline(date=_iso_date(match), title=match.group("title").strip())
    if match := _BY_LINE.match(text):
        return Byline(
            authors=split_authors(match.group("author")),
            source=_clean_source(match.group("source")),
        )
    if match := _SOURCE_LINE.match(text):
        return Byline(source=_clean_source(match.group("source")))
    return Byline()


def single_spaced(line: str) -> str:
    """`" ".join(line.split())`: without splitting and joining a line that is already
    single-spaced (printable ASCII, no double space), as most are; every header line and
    the first paragraph of each article pass here."""
    if line.isascii() and line.isprintable() and "  " not in line:
        return line.strip(" ")
    return " ".join(line.split())


def more_precise_date(current: str | None, candidate: str | None) -> str | None:
    """Keep the more precise of two ISO dates for the same day (a time beats no time)."""
    if candidate is None:
        return current
    if current is None:
        return candidate
    if candidate.startswith(current[:10]) and len(candidate) > len(current):
        return candidate
    return current


def normalise_date(value: str | None) -> str | None:
    """An ISO 8601 date (or date-time) from common formats, or None if unrecognised."""
    if not value:
        return None
    text = value.strip()
    if match := re.match(rf"^{_ISO_DATE}", text):
        return _iso_date(match)
    if match := re.search(rf"(?:{_TIME},?\s+)?{_WORDY_DATE}", text, re.IGNORECASE):
        return _wordy_date(match, match.group("time"))
    return None


def split_authors(text: str) -> tuple[str, ...]:
    """'XU WEI and Li Na' → ('Xu Wei', 'Li Na').

    Names in capitals get title case, but a one-word name keeps its capitals ("PTI",
    "CNN"); job titles and dates after a name are dropped ("AP Sports Writer" → "AP").
    """
    text = _strip_tails(text.strip().strip("|,;"))
    if not text:
        return ()
    names = re.split(r"\s*(?:,|;|&|\band\b)\s*", text)
    cleaned = (_strip_tails(name) for name in names)
    # "@NatGeoUK": a social media handle, not a byline.
    return tuple(_name_case(name) for name in cleaned if name.strip() and name[0] != "@")


def _strip_tails(name: str) -> str:
    name = " ".join(name.split())
    untitled = _AUTHOR_TAIL.sub("", name)
    # "Letters to the Editor" is a section's name, not a name with a job title.
    if not re.search(r"\b(?:to|the|of|for|and)$", untitled, re.IGNORECASE):
        name = untitled
    undated = _DATE_TAIL.sub("", name)
    # "Carrie Arnold November" loses the month; "Theresa May" keeps hers.
    return undated if len(undated.split()) >= 2 else name


def url_host(url: str | None) -> str | None:
    """'https://www.dw.com/en/…' → 'dw.com'; None when `url` is not an http(s) URL."""
    match = _URL_HOST.match(url.strip()) if url else None
    return match.group(1).lower() if match else None


def _loose(text: str) -> str:
    return re.sub(r"[^\w]+", "", text.casefold())


def names_match(name: str, other: str) -> bool:
    """Whether two outlet names are the same, loosely: 'DW.COM' ~ 'dw', 'Salon.com' ~ 'Salon'."""
    a, b = (
        _loose(re.sub(r"\.(?:com|org|net|de|at|co\.uk|fr)\b", "", name, flags=re.I)),
        _loose(re.sub(r"\.(?:com|org|net|de|at|co\.uk|fr)\b", "", other, flags=re.I)),
    )
    return (
        bool(a)
        and bool(b)
        and (a == b or (len(b) >= 4 and a.startswith(b)) or (len(a) >= 4 and b.startswith(a)))
    )


def clean_title(title: str, site_names: list[str]) -> tuple[str, str | None]:
    """A page title without the site's name and sections ('… | ZDNet', 'Opinion | …').

    Returns the title and, when a removed segment was a date ('… | DW | 10.06.2013'),
    that date in ISO form.
    """
    pieces = _TITLE_SEPARATOR.split(title.strip())
    segments, separators = pieces[::2], pieces[1::2]
    date = None

    def removable(segment: str) -> bool:
        nonlocal date
        if match := _DOTTED_DATE.match(segment):
            day, month, year = (int(g) for g in match.groups())
            try:
                date = datetime(year, month, day).strftime("%Y-%m-%d")
            except ValueError:
                return False
            return True
        return segment.casefold() in _SECTION_SEGMENTS or any(
            names_match(segment, name) for name in site_names if name
        )

    first, last = 0, len(segments)
    while last - first > 1 and removable(segments[last - 1]):
        last -= 1
    while last - first > 1 and removable(segments[first]):
        first += 1
    kept = [segments[first]]
    for index in range(first + 1, last):
        kept += [separators[index - 1], segments[index]]
    return "".join(kept), date


def clean_outlet(candidates: list[str | None], url: str | None) -> str | None:
    """The outlet: the first usable candidate (site name, publisher), else from the URL.

    A candidate that is only a domain ('DW.COM') or a known outlet's domain gives way to
    the table of well-known outlets; copyright lines, 'Hosted' and long taglines are not
    outlets.
    """
    host = url_host(url)
    known = _known_outlet(host) if host else None
    for candidate in candidates:
        name = " ".join((candidate or "").split())
        if (
            not name
            or _JUNK_OUTLET.match(name)
            or len(name.split()) > 5
            or not re.search(r"[^\W\d_]{2}", name)  # 'U.S.', '2014'
            or name.casefold() in _SECTION_SEGMENTS
        ):
            continue
        if known and (names_match(name, host or "") or names_match(name, known)):
            return known
        return name
    return known or host


def clean_authors(
    authors: tuple[str, ...] | list[str], organisations: Sequence[str | None]
) -> tuple[str, ...]:
    """Authors without the outlet itself and what came with it ('SPIEGEL ONLINE, Hamburg,
    Germany' names no person); duplicates dropped, order kept."""
    names = [name for name in organisations if name]
    kept: list[str] = []
    for raw in authors:
        parts = split_authors(raw)
        if any(names_match(part, name) for part in parts for name in names):
            parts = tuple(
                p for p in parts if len(p.split()) > 1 and not any(names_match(p, n) for n in names)
            )
        kept.extend(p for p in parts if p.casefold() not in {k.casefold() for k in kept})
    return tuple(kept)


def _known_outlet(host: str) -> str | None:
    for known, outlet in OUTLETS_BY_DOMAIN.items():
        if host == known or host.endswith("." + known):
            return outlet
    return None


def outlet_from_domain(text: str) -> str | None:
    """'cgtn.com' → 'CGTN'; an unknown domain is returned as written; None if not a domain."""
    match = _DOMAIN.match(text.strip().lower())
    if match is None:
        return None
    domain = match.group(1)
    for known, outlet in OUTLETS_BY_DOMAIN.items():
        if domain == known or domain.endswith("." + known):
            return outlet
    return domain


def _name_case(name: str) -> str:
    name = " ".join(name.split())
    return name.title() if name.isupper() and " " in name else name


def _clean_source(source: str | None) -> str | None:
    if not source:
        return None
    cleaned = " ".join(source.split()).strip(" ()|")
    if not cleaned:
        return None
    return outlet_from_domain(cleaned) if "." in cleaned else cleaned


def _wordy_date(match: re.Match[str], time: str | None) -> str | None:
    month_name = match.group("month").lower().rstrip(".")
    month = next((i for i, m in enumerate(_MONTHS, 1) if m.startswith(month_name[:3])), None)
    if month is None:
        return None
    try:
        day = datetime(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
    date = day.strftime("%Y-%m-%d")
    return f"{date}T{_pad_time(time)}" if time else date


def _cjk_date(match: re.Match[str]) -> str | None:
    try:
        day = datetime(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    time = match.group("time")
    date = day.strftime("%Y-%m-%d")
    return f"{date}T{_pad_time(time)}" if time else date


def _iso_date(match: re.Match[str]) -> str | None:
    date = match.group("iso")
    try:
        datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        return None
    time = match.group("isotime")
    return f"{date}T{_pad_time(time)}" if time else date


def _pad_time(time: str) -> str:
    hours, _, rest = time.partition(":")
    return f"{int(hours):02d}:{rest}"
