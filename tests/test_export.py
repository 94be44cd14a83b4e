"""Exports: TOML round-trips through validate; HSDS has every field HSDS 3.0 requires."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tiplookup import directory

from conftest import Run

# The "required" arrays of the HSDS 3.0 JSON schemas (openreferral/specification, schema/).
HSDS_REQUIRED = {
    "organizations": ("id", "name", "description"),
    "services": ("id", "name", "status"),
    "phones": ("id", "number"),
    "locations": ("id", "location_type"),
    "service_areas": ("id",),
}
ADDRESS_REQUIRED = (
    "id",
    "address_1",
    "city",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


def local_changes(run: Run) -> None:
    assert (
        run(
            "add",
            "--name",
            "Sunshine Shelter",
            "--service",
            "shelter",
            "--province",
            "champasak",
            "--address",
            "Ban Phonsaard, Pakse",
            "--phone",
            "020 5555 1234",
            "--confidential",
            "--area",
            "provinces:champasak",
        ).exit_code
        == 0
    )
    assert run("edit", "care-international-laos", "--set", "phones=021 217 728").exit_code == 0
    assert run("hide", "usaid-laos-ctip").exit_code == 0
    assert run("verify", "criminal-chamber").exit_code == 0


def test_toml_export_round_trips_through_validate(run: Run, tmp_path: Path) -> None:
    local_changes(run)
    out = tmp_path / "export.toml"
    result = run("export", "--format", "toml", "-o", str(out))
    assert result.exit_code == 0, result
    assert result.stdout == ""
    assert result.stderr == f"Wrote 36 organisations as toml to {out}\n"
    checked = run("validate", str(out))
    assert checked.exit_code == 0, checked
    assert checked.stdout == f"{out}: 36 organisations, 0 problems\n"
    exported = directory.load(out)
    care = exported.get("care-international-laos")
    assert care is not None and care.phones[0].number == "+85621217728"
    assert exported.get("usaid-laos-ctip") is None
    assert exported.get("sunshine-shelter") is not None
    chamber = exported.get("criminal-chamber")
    assert chamber is not None and str(chamber.last_verified) == "2026-12-04"


def test_the_bundled_directory_round_trips_exactly(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "bundled.toml"
    assert run("--no-overlay", "export", "-o", str(out)).exit_code == 0
    assert directory.load(out).organizations == directory.load().organizations


def test_json_export_says_what_is_local(run: Run) -> None:
    local_changes(run)
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    by_id = {o["id"]: o for o in doc["organizations"]}
    assert by_id["sunshine-shelter"]["origin"] == "overlay"
    assert by_id["care-international-laos"]["origin"] == "bundled"
    assert by_id["care-international-laos"]["local_fields"] == ["phones"]
    assert by_id["criminal-chamber"]["last_verified"] == "2026-12-04"
    assert "usaid-laos-ctip" not in by_id


def test_hsds_export_has_the_fields_hsds_3_requires(run: Run) -> None:
    local_changes(run)
    result = run("export", "--format", "hsds")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["hsds_version"] == "3.0"
    for table, required in HSDS_REQUIRED.items():
        assert doc[table], table
        for record in doc[table]:
            missing = [f for f in required if f not in record]
            assert not missing, (table, record.get("id"), missing)
            uuid.UUID(record["id"])  # HSDS ids have format "uuid"
    for location in doc["locations"]:
        for address in location.get("addresses", []):
            assert all(f in address for f in ADDRESS_REQUIRED), address
            assert address["country"] == "LA"
    assert {s["status"] for s in doc["services"]} <= {"active", "inactive"}
    ids = {o["id"] for o in doc["organizations"]}
    assert all(s["organization_id"] in ids for s in doc["services"])
    assert all(p["organization_id"] in ids for p in doc["phones"])
    service_ids = {s["id"] for s in doc["services"]}
    assert all(a["service_id"] in service_ids for a in doc["service_areas"])


def test_hsds_withholds_confidential_addresses_and_marks_ended_programmes(run: Run) -> None:
    local_changes(run)
    doc = json.loads(run("export", "--format", "hsds").stdout)
    shelter = next(o for o in doc["organizations"] if o["name"] == "Sunshine Shelter")
    location = next(x for x in doc["locations"] if x["organization_id"] == shelter["id"])
    assert "addresses" not in location
    assert "Phonsaard" not in json.dumps(doc)
    triangle = next(o for o in doc["organizations"] if o["name"] == "Triangle in ASEAN")
    services = [s for s in doc["services"] if s["organization_id"] == triangle["id"]]
    assert [s["status"] for s in services] == ["inactive"]  # period 2015 – 2025
    assert services[0]["alert"] == "Programme ended in 2025 (2015 – 2025)"


def test_hsds_ids_are_stable_between_exports(run: Run) -> None:
    first = run("export", "--format", "hsds").stdout
    assert first == run("export", "--format", "hsds").stdout


def test_an_unknown_format_is_a_usage_error(run: Run) -> None:
    result = run("export", "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr == (
        "tiplookup: error: unknown format 'xml'; use one of: toml, json, hsds\n"
    )


def test_export_never_overwrites_a_file_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "hsds.json"
    assert run("export", "--format", "hsds", "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o600
    target.write_text("keep me", encoding="utf-8")
    again = run("export", "--format", "hsds", "-o", str(target))
    assert again.exit_code == 2
    assert (
        again.stderr == f"tiplookup: error: {target} already exists; add --force to overwrite it\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run("export", "--format", "hsds", "-o", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("{")
