"""Bad files never stop a collection from loading; each gets a one-line reason."""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import loader
from annotations.corpus import Corpus
from annotations.loader import MAX_FILE_BYTES, load_file
from annotations.regular_file import read_regular_file
from tests.conftest import RunCli


def make_library(tmp_path: Path, files: dict[str, bytes]) -> Path:
    library = tmp_path / "hostile"
    library.mkdir()
    for name, data in files.items():
        (library / name).write_bytes(data)
    return library


GOOD = b"A good title\n\nThe first paragraph says something.\n\nThe second one too.\n"


def test_bad_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    library = make_library(
        tmp_path,
        {
            "good.txt": GOOD,
            "binary.txt": bytes(range(256)) * 64,
            "empty.txt": b"",
            "blank.txt": b"  \n\n \t\n",
            "broken.json": b'{"title": "x", "text": ',
            "notext.json": b'{"title": "no body"}',
            "image.png": b"\x89PNG\r\n",
        },
    )
    corpus = Corpus.open(library, use_cache=False)
    assert [meta.id for meta in corpus] == ["good"]
    notices = "\n".join(corpus.notices)
    assert "skipped binary.txt: looks like a binary file" in notices
    assert "skipped empty.txt: empty file" in notices
    assert "skipped blank.txt: empty file" in notices
    assert "skipped broken.json: invalid JSON" in notices
    assert "skipped notext.json record 1: no `text`" in notices
    assert "image.png" not in notices  # unsupported types are not articles at all
    assert all("\n" not in notice for notice in corpus.notices)


def test_files_that_are_not_text_are_skipped_whatever_their_name(tmp_path: Path) -> None:
    """(Found by a tester: a PDF renamed .txt was read as latin-1, titled "%PDF-1.5", and
    2,000 random bytes as an article of garbage.)"""
    noise = random.Random(7).randbytes(2_000)
    latin1 = "Caf\xe9 au lait\n\nA stray byte: \x81, and the rest is text.\n" * 20
    library = make_library(
        tmp_path,
        {
            "report.txt": b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" * 30,
            "noise.txt": noise,
            "archive.md": b"PK\x03\x04" + noise,
            "latin1.txt": latin1.encode("latin-1"),
        },
    )
    corpus = Corpus.open(library, use_cache=False)
    assert [meta.id for meta in corpus] == ["latin1"]  # one stray byte in a text: still text
    notices = "\n".join(corpus.notices)
    assert "skipped report.txt: looks like a PDF file, not text" in notices
    assert "skipped noise.txt: looks like a binary file" in notices
    assert "skipped archive.md: looks like a ZIP (or Word, ODF, EPUB) file, not text" in notices
    assert "read latin1.txt as latin-1" in notices


def test_cp1252_file_loads_and_says_so(tmp_path: Path) -> None:
    text = "Café society\n\nThe mayor’s “naïve” plan – criticised.\n"
    library = make_library(tmp_path, {"legacy.txt": text.encode("cp1252")})
    corpus = Corpus.open(library, use_cache=False)
    assert corpus.notices == ["read legacy.txt as cp1252 (it is not valid UTF-8)"]
    assert corpus.meta("legacy").title == "Café society"
    assert corpus.article("legacy").body == "The mayor’s “naïve” plan – criticised."


def test_file_over_the_limit_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    loaded = load_file(path, "huge")
    assert loaded.articles == []
    assert loaded.notices[0].startswith("skipped huge.txt: 20.0 MB is over the 20 MB limit")


def test_five_megabyte_article_loads(tmp_path: Path) -> None:
    paragraph = "Officials met again on Tuesday to discuss the maritime issues. " * 40
    data = ("A very long report\n\n" + "\n\n".join([paragraph.strip()] * 2000)).encode()
    assert len(data) > 5_000_000
    library = make_library(tmp_path, {"long.txt": data})
    article = Corpus.open(library, use_cache=False).article("long")
    assert len(article.paragraphs) == 2000
    assert article.meta.title == "A very long report"


def test_hostile_content_is_neutralised(tmp_path: Path) -> None:
    hostile = (
        "Title with \x1b[2J a screen clear\n\n"
        "Before\x1b]52;c;aGFja2Vk\x07after. [bold]not bold[/bold] and [link=https://x]y[/link].\r\n"
        "\r\nNUL\x00 bytes\u2028and separators. Very long line " + "x" * 50_000 + "\n\n"
        "右から左 עברית 中文段落。\n"
    )
    library = make_library(tmp_path, {"hostile.txt": hostile.encode()})
    corpus = Corpus.open(library, use_cache=False)
    article = corpus.article("hostile")
    assert article.meta.title == "Title with a screen clear"
    assert "\x1b" not in article.body and "\x00" not in article.body and "\x07" not in article.body
    assert "Beforeafter. [bold]not bold[/bold] and [link=https://x]y[/link]." in article.body
    # U+2028 is a line break; lines that are not hard-wrapped become paragraphs.
    assert "NUL bytes\n\nand separators." in article.body
    assert "右から左 עברית 中文段落。" in article.body


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400))
def test_any_text_loads_or_is_skipped_with_a_reason(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.txt"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    loaded = load_file(path, "any")
    assert loaded.articles or loaded.notices
    for article in loaded.articles:
        assert "\x1b" not in article.body and "\r" not in article.body
        assert "\n\n\n" not in article.body
        for paragraph in article.paragraphs:
            for sentence in paragraph.sentences:
                assert paragraph.start <= sentence.start < sentence.end <= paragraph.end


def test_directory_named_like_an_article_is_ignored(tmp_path: Path) -> None:
    library = make_library(tmp_path, {"good.txt": GOOD})
    (library / "dir.txt").mkdir()
    assert [meta.id for meta in Corpus.open(library, use_cache=False)] == ["good"]


def test_truncated_utf16_and_broken_link_are_skipped(tmp_path: Path) -> None:
    library = make_library(
        tmp_path, {"good.txt": GOOD, "half.txt": "中文新闻".encode("utf-16")[:-1]}
    )
    (library / "gone.txt").symlink_to(tmp_path / "does-not-exist.txt")
    corpus = Corpus.open(library, use_cache=False)
    assert [meta.id for meta in corpus] == ["good"]
    notices = "\n".join(corpus.notices)
    assert "skipped half.txt: broken UTF-16 text" in notices
    assert "skipped gone.txt: cannot read it" in notices


def test_unterminated_escape_string_loses_no_text(tmp_path: Path) -> None:
    library = make_library(
        tmp_path, {"c1.txt": "Title\n\nParagraph one \x9d oops.\n\nParagraph two.".encode()}
    )
    body = Corpus.open(library, use_cache=False).article("c1").body
    assert body == "Paragraph one oops.\n\nParagraph two."  # spaces collapse in bodies


def test_hostile_file_names_are_made_safe(tmp_path: Path, run_cli: RunCli) -> None:
    import os

    library = make_library(
        tmp_path, {"e\x1b]0;pwn\x07vil.txt": GOOD, "bin\x1b[2Jx.txt": bytes(range(256)) * 8}
    )
    with open(os.path.join(os.fsencode(library), b"bad\xffname.txt"), "wb") as handle:
        handle.write(b"Other\n\nSecond article text.")
    corpus = Corpus.open(library)  # also writes the index cache
    assert sorted(meta.id for meta in corpus) == ["bad_name", "e_]0;pwn_vil"]
    assert corpus.notices == ["skipped bin_[2Jx.txt: looks like a binary file"]
    assert corpus.article("bad_name").body == "Second article text."
    shown = run_cli("--library", str(library), "show", "e_")
    assert shown.code == 0 and "\x1b" not in shown.out and "\x07" not in shown.out


def test_fifos_devices_sockets_and_links_to_them_are_skipped(tmp_path: Path) -> None:
    library = make_library(tmp_path, {"good.txt": GOOD})
    os.mkfifo(library / "pipe.txt")
    (library / "zero.txt").symlink_to("/dev/zero")  # would read until MemoryError
    os.mkfifo(tmp_path / "elsewhere")
    (library / "linked.md").symlink_to(tmp_path / "elsewhere")
    (library / "alias.txt").symlink_to(library / "good.txt")  # a link to a file is fine
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(library / "sock.json"))
        corpus = Corpus.open(library, use_cache=False)
    assert [meta.id for meta in corpus] == ["alias", "good"]
    assert corpus.notices == [
        "skipped linked.md: it links to a named pipe (FIFO), not a regular file",
        "skipped pipe.txt: it is a named pipe (FIFO), not a regular file",
        "skipped sock.json: it is a socket, not a regular file",
        "skipped zero.txt: it links to a character device, not a regular file",
    ]
    loaded = load_file(library / "pipe.txt", "pipe")  # the loader refuses it on its own too
    assert loaded.notices == ["skipped pipe.txt: it is a named pipe (FIFO), not a regular file"]


def test_size_limit_counts_the_bytes_read_not_st_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose size says 0 (as in /proc, or one still growing) is still limited."""
    path = tmp_path / "growing.txt"
    path.write_bytes(GOOD * 10)
    real_fstat = os.fstat

    def size_zero(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[6] = 0  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", size_zero)
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(GOOD) * 10 - 1)
    assert load_file(path, "growing").notices == [
        f"skipped growing.txt: it is over the {(len(GOOD) * 10 - 1) / 1_048_576:g} MB limit"
    ]
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", len(GOOD) * 10)
    assert load_file(path, "growing").articles[0].meta.title == "A good title"


def test_a_file_larger_than_its_st_size_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading starts with the size fstat gives; a file that grew since is still read whole."""
    path = tmp_path / "grew.txt"
    path.write_bytes(GOOD * 3)
    real_fstat = os.fstat

    def smaller(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[6] = 5  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", smaller)
    assert read_regular_file(path, max_bytes=len(GOOD) * 3) == GOOD * 3
    with pytest.raises(OSError, match="over the"):
        read_regular_file(path, max_bytes=len(GOOD) * 3 - 1)


def test_a_regular_file_with_st_size_zero_is_read() -> None:
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    assert b"Name:" in read_regular_file(status, max_bytes=MAX_FILE_BYTES)
