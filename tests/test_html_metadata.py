"""Citation metadata of real saved news pages (tests/fixtures/pages, from trafilatura's tests).

Expected values were read off each page (its headline, byline, outlet and publication date),
not copied from newsmark's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.loader import load_file
from annotations.metadata import clean_outlet, clean_title, split_authors

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"

# file, title, authors, outlet, date (YYYY-MM-DD), URL starts with
EXPECTED = [
    (
        "boingboing.net.millenials",
        "Hating Millennials - the prejudice you're allowed to boast about",
        ("Cory Doctorow",),
        "Boing Boing",
        "2013-07-19",
        "https://boingboing.net/2013/07/19/",
    ),
    (
        "dw.com.colonial",
        "Berlin confronts Germany's colonial past with new initiative",
        (),
        "DW",
        "2020-01-19",
        "https://www.dw.com/en/berlin-confronts",
    ),
    (
        "dw.com.uncork",
        "Uncork the mystery of Germany's Frühburgunder",
        (),
        "DW",
        "2013-06-10",
        "https://www.dw.com/en/uncork-the-mystery",
    ),
    (
        "futurezone.at.lyft",
        "Uber-Konkurrent Lyft startet mit Waymo-Robotertaxis in USA",
        (),
        "futurezone",
        "2019-05-08",
        "https://futurezone.at/digital-life/",
    ),
    (
        "github.blog.spiceland",
        "Leader spotlight: Erin Spiceland",
        ("Jessica Rudder",),
        "The GitHub Blog",
        "2019-03-29",
        "https://github.blog/2019-03-29-leader-spotlight",
    ),
    (
        "heise.de.lithium",
        "Lithium aus dem Schredder",
        ("Denis Dilba",),
        "Technology Review",
        "2019-06-20",
        "https://www.heise.de/newsticker/meldung/Lithium-aus-dem-Schredder",
    ),
    (
        "knowtechie.com.rally",
        "Rocket Pass 4 in Rocket League brings with it a new rally-inspired car",
        ("Josiah Motley",),
        "KnowTechie",
        "2019-08-21",
        "https://knowtechie.com/rocket-pass-4",
    ),
    # article:published_time is 2023-01-17T00:30:41+00:00 (16 January, 4:30 p.m. local).
    (
        "mercurynews.com.2023.01.16.letters-1119",
        "Letters: Coddling criminals | Undermining "
        "road | Tax dollars | Recount cost | Predicting climate",
        ("Letters To The Editor",),
        "The Mercury News",
        "2023-01-17",
        "https://www.mercurynews.com/2023/01/16/letters-1119",
    ),
    (
        "nationalgeographic.co.uk.goats",
        "Ravenous wild goats ruled this island for over a century. Now, it's being reborn.",
        ("Michael Hingston",),
        "National Geographic",
        "2020-01-03",
        "https://www.nationalgeographic.co.uk/environment-and-conservation/",
    ),
    (
        "nature.com.telescope",
        "Gigantic Chinese telescope opens to astronomers worldwide",
        ("Elizabeth Gibney",),
        "Nature",
        "2019-09-24",
        "https://www.nature.com/articles/d41586-019-02790-3",
    ),
    (
        "netzpolitik.org.abmahnungen",
        "Die Cider Connection: Abmahnungen gegen Nutzer von Creative-Commons-Bildern",
        ("Markus Reuter",),
        "netzpolitik.org",
        "2016-06-23",
        "https://netzpolitik.org/2016/die-cider-connection",
    ),
    (
        "phys.org.tool",
        "Flint flake tool partially covered by birch tar adds to evidence of "
        "Neanderthal complex thinking",
        ("Bob Yirka",),
        "Phys.org",
        "2019-10-22",
        "https://phys.org/news/2019-10-flint-flake-tool",
    ),
    (
        "reuters.com.parasite",
        "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        ("Jill Serjeant",),
        "Reuters",
        "2020-01-19",
        "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
    ),
    (
        "salon.com.emissions",
        "Despite everything, U.S. emissions dipped in 2019",
        ("Nathanael Johnson",),
        "Salon",
        "2020-01-10",
        "https://www.salon.com/2020/01/10/",
    ),
    (
        "scmp.com.playbook",
        "Carrie Lam should study Tsai Ing-wen’s playbook",
        ("Alice Wu",),
        "South China Morning Post",
        "2020-01-20",
        "https://www.scmp.com/comment/opinion/",
    ),
    (
        "spiegel.de.albtraum",
        "Ein Albtraum",
        (),
        "Der Spiegel",
        "2018-12-22",
        "https://www.spiegel.de/spiegel/print/d-161500790.html",
    ),
    (
        "theverge.com.ios13",
        "iOS 13 will fix the FaceTime eye contact problem",
        ("Jon Porter",),
        "The Verge",
        "2019-07-03",
        "https://www.theverge.com/2019/7/3/20680681/",
    ),
    (
        "threatpost.com.android",
        "Android Ransomware Spreads Via ‘Sex Simulation Game’ Links on Reddit, SMS",
        ("Lindsey O'Donnell",),
        "Threatpost",
        "2019-07-30",
        "https://threatpost.com/android-ransomware",
    ),
    (
        "vancouversun.com.microsoft",
        "Microsoft moves to erase its carbon footprint from the atmosphere in climate push",
        ("Reuters",),
        "Vancouver Sun",
        "2020-01-16",
        "https://vancouversun.com/technology/microsoft-moves",
    ),
    (
        "vice.com.amazon",
        "The Amazon Is on Fire and the Smoke Can Be Seen from Space",
        ("Madeleine Gregory",),
        "Vice",
        "2019-08-21",
        "https://www.vice.com/en_uk/article/",
    ),
    (
        "zeit.de.zugverkehr",
        "Zugverkehr: Im ICE von Frankfurt nach Barcelona",
        ("Caspar Schwietering",),
        "Die Zeit",
        "2020-01-14",
        "https://www.zeit.de/mobilitaet/",
    ),
]


@pytest.mark.parametrize(
    ("name", "title", "authors", "outlet", "date", "url"),
    EXPECTED,
    ids=[row[0] for row in EXPECTED],
)
def test_real_page_metadata(name, title, authors, outlet, date, url) -> None:
    loaded = load_file(PAGES / f"{name}.html", name)
    assert loaded.articles, loaded.notices
    article = loaded.articles[0]
    meta = article.meta
    assert (meta.title, meta.authors, meta.source) == (title, authors, outlet)
    assert (meta.date or "")[:10] == date
    assert meta.url is not None and meta.url.startswith(url)
    # The headline is not repeated as the body's first paragraph.
    first = article.body.split("\n\n", 1)[0]
    assert first.casefold() != title.casefold()


def test_every_fixture_page_is_checked() -> None:
    assert {p.stem for p in PAGES.glob("*.html")} == {row[0] for row in EXPECTED}


def test_headline_and_kicker_are_removed_from_the_body() -> None:
    article = load_file(PAGES / "phys.org.tool.html", "p").articles[0]
    assert article.body.startswith("A team of researchers")  # not "October 22, 2019 report"
    article = load_file(PAGES / "knowtechie.com.rally.html", "k").articles[0]
    assert not article.body.startswith(("#GameTechie", "Rocket Pass 4 in Rocket League"))


def test_author_strings_lose_job_titles_and_dates_and_keep_acronyms() -> None:
    assert split_authors("PTI") == ("PTI",)
    assert split_authors("CNN") == ("CNN",)
    assert split_authors("AP Sports Writer") == ("AP",)
    assert split_authors("Carrie Arnold November") == ("Carrie Arnold",)
    assert split_authors("Phil Helsel is a reporter for NBC News") == ("Phil Helsel",)
    assert split_authors("Jane Doe, Staff Writer") == ("Jane Doe",)
    assert split_authors("Theresa May") == ("Theresa May",)
    assert split_authors("XU WEI and Li Na") == ("Xu Wei", "Li Na")


def test_titles_lose_site_names_and_sections() -> None:
    assert clean_title("New phones tested | ZDNet", ["ZDNet"]) == ("New phones tested", None)
    assert clean_title("Startup raises $5M – TechCrunch", ["TechCrunch"])[0] == "Startup raises $5M"
    assert clean_title("Opinion | The case for rail", ["The New York Times"])[0] == (
        "The case for rail"
    )
    assert clean_title("Well - said", ["Other"])[0] == "Well - said"


def test_outlets_are_not_copyright_lines_or_domains() -> None:
    assert clean_outlet(["Copyright 2014", None], "https://www.cnn.com/x") == "CNN"
    assert clean_outlet(["Hosted"], "https://example-news.org/a") == "example-news.org"
    assert clean_outlet(["DW.COM"], "https://www.dw.com/en/a") == "DW"


def test_text_bylines_without_time_and_chinese_datelines() -> None:
    from annotations.metadata import parse_byline

    line = parse_byline("December 12, 2023 By Reuters Staff")
    assert (line.date, line.authors) == ("2023-12-12", ("Reuters Staff",))
    line = parse_byline("2023年12月13日 来源：人民日报")
    assert (line.date, line.source) == ("2023-12-13", "人民日报")
    assert parse_byline("2023年12月13日08:05 来源：新华网").date == "2023-12-13T08:05"
