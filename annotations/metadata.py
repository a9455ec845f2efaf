"""Recognising metadata lines (bylines, dates, sources) in copies of news pages."""

from __future__ import annotations

import re
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
}
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.|en\.|english\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$")


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
    text = " ".join(line.split())
    if match := _TIME_DATE_BYLINE.match(text):
        return Byline(
            date=_wordy_date(match, match.group("time")),
            authors=split_authors(match.group("author") or ""),
            source=_clean_source(match.group("source")),
        )
    if match := _SOURCE_TIME_DATE.match(text):
        return Byline(date=_wordy_date(match, match.group("time")),
                      source=_clean_source(match.group("source")))
    if match := _RELEASE_DATE.match(text):
        return Byline(date=_iso_date(match), source=_clean_source(match.group("source")))
    if match := _DATE_THEN_TITLE.match(text):
        return Byline(date=_iso_date(match), title=match.group("title").strip())
    if match := _BY_LINE.match(text):
        return Byline(authors=split_authors(match.group("author")),
                      source=_clean_source(match.group("source")))
    if match := _SOURCE_LINE.match(text):
        return Byline(source=_clean_source(match.group("source")))
    return Byline()


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
    """'XU WEI and Li Na' → ('Xu Wei', 'Li Na'); names in capitals get title case."""
    text = text.strip().strip("|,;")
    if not text:
        return ()
    names = re.split(r"\s*(?:,|;|&|\band\b)\s*", text)
    return tuple(_name_case(name) for name in names if name.strip())


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
    return name.title() if name.isupper() else name


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
