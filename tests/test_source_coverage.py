"""Every fact in the raw source page must be in data/directory.toml."""

from __future__ import annotations

import tomllib

import pytest

from tiplookup import directory, phones, taxonomy

import sourcedoc

RAW = tomllib.loads((sourcedoc.SOURCE.parents[1] / "directory.toml").read_text("utf-8"))
ENTRIES = sourcedoc.parse()
BY_SOURCE_NAME = {o.get("source_name", o["name"]): o for o in RAW["organization"]}


def test_source_lists_36_organisations_and_the_directory_has_each_once() -> None:
    assert len(ENTRIES) == 36
    assert len(RAW["organization"]) == 36
    assert sorted(BY_SOURCE_NAME) == sorted(e.name for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name[:40])
def test_every_fact_of_an_entry_is_kept(entry: sourcedoc.SourceEntry) -> None:
    org = BY_SOURCE_NAME[entry.name]
    assert org["description"] == entry.description
    assert org.get("source_services", []) == entry.services
    assert sorted(org.get("services", [])) == sorted(
        {taxonomy.slug_for_source_label(label) for label in entry.services}
    )
    if entry.get("Address"):
        assert org["location"]["address"] == entry.get("Address")
    else:
        assert "location" not in org
    email_text = entry.get("Email") or ""
    for email in org.get("emails", []):
        assert email in email_text
    assert len(org.get("emails", [])) == email_text.count("@")
    assert bool(org.get("website", {}).get("exists")) == (entry.get("Website") == "Visit website")
    assert not org.get("website", {}).get("url"), "no URL is in the source: never invent one"
    phone_text = entry.get("Phone")
    from_source = [p for p in org.get("phones", []) if not p.get("sources")]
    if phone_text is None:
        assert from_source == []
    else:
        expected = phones.parse(phone_text)
        assert [p["source_text"] for p in from_source] == [phone_text] * len(expected)
        assert [p["number"] for p in from_source] == [p.number for p in expected]


def test_numbers_not_in_the_source_carry_a_citation() -> None:
    citations = RAW["sources"]
    added = [
        (o["id"], p) for o in RAW["organization"] for p in o.get("phones", []) if p.get("sources")
    ]
    assert {(oid, p["number"]) for oid, p in added} == {
        ("lao-womens-union", "1362"),
        ("lao-youth-union", "1554"),
    }
    for _, phone in added:
        assert all(key in citations for key in phone["sources"])
        assert phone["description"]


def test_the_bundled_directory_validates() -> None:
    loaded = directory.load(directory.bundled_path())
    assert len(loaded) == 36
    assert {o.id for o in loaded.organizations} >= {
        "lao-womens-union",
        "sengsavang",
        "village-focus-international",
        "the-asia-foundation",
    }
