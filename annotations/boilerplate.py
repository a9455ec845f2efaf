"""Site boilerplate and captions in copies of news pages.

Breadcrumbs, footers, sponsor and registration lines, browser advice and editor credits
are removed from bodies; photo captions stay but are recognised so they can be styled.
"""

from __future__ import annotations

import re

_BREADCRUMB = re.compile(r"^(?:Home|Homepage|首页)\s*(?:>|›|»|/)|^(?:[^>›»]{1,40}\s[>›»]\s){2,}")
_FOOTER_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^\(?\s*(?:Web\s+)?editors?\s*:.{1,80}\)?$",
        r"^(?:About us|Contact us|Legal notice|Privacy policy|Terms of (?:use|service))"
        r"(?:\s*\|.*)?$",
        r"^Sponsored by\b",
        r"^Operated by\b",
        r"^Registration number\s*:",
        r"^It'?s recommended to use\b.*\bbrowsers?\b",
        r"^(?:Copyright|©|\(c\))\s",
        r"\ball rights reserved\.?$",
        r"^(?:Share|Print|Email|Follow us)(?:\s*(?:this|on)\b.*|\s*\|.*)?$",
        r"^(?:Related|Read more|Most popular|Top news)\s*:?$",
    )
]
_CAPTION_END = re.compile(
    r"(?:\[(?:Photo|PHOTO|File photo|Photo provided)[^\]]{0,80}\]"
    r"|\[[^\[\]]{1,60}/[^\[\]]{1,60}\]"
    r"|\((?:Xinhua|Photo|AP|AFP|Reuters|VNA|CNS|IC|[A-Z][\w. ]{1,25})/[^()]{1,50}\))\s*$"
)
_CAPTION_START = re.compile(r"^(?:Photo|File photo|Photo taken)\s*(?::|shows\b)", re.IGNORECASE)
CAPTION_MAX_CHARS = 600


def is_breadcrumb(line: str) -> bool:
    """'Home > NEWS > China > Government Dynamic >' and similar navigation trails."""
    return len(line) < 200 and bool(_BREADCRUMB.search(line.strip()))


def is_footer_line(line: str) -> bool:
    """Editor credits, site footers, sponsor lines, registration numbers, browser advice.

    Only meaningful at the end of a page: parsers strip these from the trailing lines.
    """
    text = line.strip()
    return len(text) < 300 and any(pattern.search(text) for pattern in _FOOTER_LINES)


def is_caption(paragraph: str) -> bool:
    """A photo caption, ending with a credit: '[FENG YONGBIN/CHINA DAILY]', '(Xinhua/Ju Peng)'.

    Captions stay in the body (they are part of the article) but are styled apart.
    """
    text = paragraph.strip()
    if len(text) > CAPTION_MAX_CHARS:
        return False
    # A credit ends with "]" or ")": other paragraphs skip the search, which would try
    # every position of the text (most paragraphs are not captions).
    return bool(
        (text.endswith(("]", ")")) and _CAPTION_END.search(text)) or _CAPTION_START.match(text)
    )
