"""Escaping untrusted text for Markdown, so that it reads as the text it is and nothing more.

Every user-supplied string in a Markdown export or a clipboard copy (quotes, notes, tags,
titles, outlets, ids, the collection name) goes through these functions. After escaping,
no CommonMark or GitHub-flavoured Markdown parser can read the text as a heading, block
quote, list item, thematic break, code block or fence, table, HTML, entity, link, image,
autolink, footnote or emphasis:

* `escape_inline` backslash-escapes the characters that start inline structure anywhere
  in a line: `\\` `` ` `` `*` `~` `|` `[` `]` `<`, `_` unless it sits between two letters
  or digits (where it cannot emphasise, so `snake_case` ids stay readable), and `&` when
  it would start an entity reference (`&lt;`, `&#60;`);
* `escape_line` also neutralises what matters at the start of a line: `#` (headings), `>`
  (block quotes), `-` `+` `=` (list items, breaks, setext underlines), `1.` / `1)`
  (ordered lists); leading whitespace is dropped (it could only open a code block, and a
  renderer does not show it);
* `escape_heading` is `inline` with every `#` escaped, so no closing `#`s are cut.

Bare `http://` URLs are left as they are: GitHub and other renderers may show them as
links, as they would in any text, but no other scheme (`javascript:`) is made live.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")
_ALWAYS = re.compile(r"[\\`*~|\[\]<]")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"[#>+=-]|\d+(?=[.)])")


def _escape_underscore(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return not (before.isalnum() and after.isalnum())


def escape_inline(text: str) -> str:
    """`text` with every character that could start inline Markdown backslash-escaped.

    Newlines are kept as they are; use `one_line` or `escape_line` for text that must stay
    on one line or may start one.
    """
    text = _ALWAYS.sub(lambda m: "\\" + m.group(0), text)
    text = _ENTITY.sub(r"\\&", text)
    if "_" not in text:
        return text
    return "".join(
        "\\_" if ch == "_" and _escape_underscore(text, i) else ch for i, ch in enumerate(text)
    )


def escape_line(line: str) -> str:
    """One line of untrusted text, escaped to be placed at the start of a Markdown line."""
    escaped = escape_inline(line.lstrip())
    match = _LINE_START.match(escaped)
    if match is None:
        return escaped
    if match.group(0).isdigit():
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


def escape_heading(text: str) -> str:
    """Untrusted text for a heading line (after `## `): one line, every `#` escaped."""
    return escape_inline(one_line(text)).replace("#", "\\#")


def one_line(text: str) -> str:
    """`text` with every run of whitespace (newlines too) made one space, then stripped."""
    return _WHITESPACE.sub(" ", text).strip()


def inline(text: str) -> str:
    """Untrusted text for the middle of a line: on one line, then `escape_inline`."""
    return escape_inline(one_line(text))
