"""Importing a codebook (`.qdc`, Taguette CSV) keeps every code, used or not, with or
without a description, and never overwrites a description the database has."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from annotations.store import AnnotationStore

QDC = (
    '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    '<Code guid="11111111-2222-4333-8444-000000000001" name="security" isCodable="true" '
    'color="#00FF00"><Description>threats</Description>'
    '<Code guid="11111111-2222-4333-8444-000000000002" name="maritime" isCodable="true" '
    'color="#0000FF"/></Code>'
    '<Code guid="11111111-2222-4333-8444-000000000003" name="economy" isCodable="true" '
    'color="#FF0000"/>'
    '<Code guid="11111111-2222-4333-8444-000000000004" name="e10" isCodable="true" '
    'color="#FFFF00"/></Codes></CodeBook>'
)


def _cli(run_cli, library: Path, db: Path, *args: str):
    return run_cli("--library", str(library), "--db", str(db), *args)


def _tags(run_cli, samples_dir: Path, db: Path) -> dict[str, dict]:
    result = _cli(run_cli, samples_dir, db, "tags", "--json")
    assert result.code == 0, result.err
    return {info["name"]: info for info in json.loads(result.out)}


def test_qdc_import_into_an_empty_db_keeps_every_code(
    run_cli, samples_dir, db_path, tmp_path
) -> None:
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(QDC, encoding="utf-8")
    result = _cli(run_cli, samples_dir, db_path, "import", str(qdc))
    assert result.code == 0, result.err
    assert (
        "4 codes (0 already in the codebook, 0 in use as tags), 4 colours set, 1 description set"
        in result.out
    )
    tags = _tags(run_cli, samples_dir, db_path)
    assert set(tags) == {"security", "security/maritime", "economy", "e10"}
    assert tags["economy"]["count"] == 0 and tags["economy"]["description"] == ""
    assert tags["e10"]["colour"] == "#ffff00"
    assert tags["security/maritime"]["parent"] == "security"

    exported = _cli(run_cli, samples_dir, db_path, "export", "--format", "qdc")
    assert exported.code == 0, exported.err
    names = {
        code.get("name") for code in ET.fromstring(exported.out).iter() if code.tag.endswith("Code")
    }
    assert names == {"security", "maritime", "economy", "e10"}
    written = _cli(
        run_cli, samples_dir, db_path, "export", "--format", "qdc", "-o", str(tmp_path / "c.qdc")
    )
    assert written.err == f"newsmark: exported the codebook to {tmp_path / 'c.qdc'}\n"


def test_taguette_csv_codes_without_description_are_listed(
    run_cli, samples_dir, db_path, tmp_path
) -> None:
    csv = tmp_path / "cb.csv"
    csv.write_text(
        "tag,description,number of highlights\nsolidarity,Unity,3\nplace,,0\npeople,,0\n",
        encoding="utf-8",
    )
    result = _cli(run_cli, samples_dir, db_path, "import", str(csv))
    assert result.code == 0, result.err
    lines = _cli(run_cli, samples_dir, db_path, "tags").out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["people", "place", "solidarity"]


def test_codebook_import_keeps_the_databases_description_and_says_so(
    run_cli, samples_dir, db_path, tmp_path
) -> None:
    assert _cli(run_cli, samples_dir, db_path, "tags", "describe", "security", "mine").code == 0
    qdc = tmp_path / "codes.qdc"
    qdc.write_text(QDC, encoding="utf-8")
    result = _cli(run_cli, samples_dir, db_path, "import", str(qdc))
    assert result.code == 0, result.err
    assert "0 descriptions set, 1 kept as the database has it" in result.out
    assert _tags(run_cli, samples_dir, db_path)["security"]["description"] == "mine"
    again = _cli(run_cli, samples_dir, db_path, "import", str(qdc))
    assert "0 descriptions set, 1 kept" in again.out
    # (Found by a tester: imported again, it said "0 already tags, 4 colours set".)
    assert "4 codes (4 already in the codebook, 0 in use as tags), 0 colours set" in again.out


def test_removing_a_description_keeps_the_code_and_delete_removes_it(db_path) -> None:
    store = AnnotationStore.open(db_path)
    store.describe_tag("economy", "money")
    store.describe_tag("economy", "")
    assert [(i.name, i.description, i.count) for i in store.tags()] == [("economy", "", 0)]
    store.delete_tag("economy")
    assert store.tags() == []
