"""The overlay core: merge rules, atomic writes, locking between processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiplookup import directory, overlay, userdata
from tiplookup.errors import DataError, UsageError
from tiplookup.model import Directory


@pytest.fixture(scope="module")
def base() -> Directory:
    return directory.load()


def parse(text: str) -> overlay.Overlay:
    return overlay.parse_text(textwrap.dedent(text), "overlay.toml")


def test_an_override_replaces_only_the_fields_it_lists(base: Directory) -> None:
    local = parse(
        """
        [[organization]]
        id = "care-international-laos"
        emails = ["new@example.org"]
        """
    )
    merged = overlay.merge(base, local).directory
    org = merged.get("care-international-laos")
    original = base.get("care-international-laos")
    assert org is not None and original is not None
    assert org.emails == ("new@example.org",)
    assert org.phones == original.phones
    assert org.origin == "bundled"
    assert org.local_fields == ("emails",)
    untouched = merged.get("criminal-chamber")
    assert untouched is not None and untouched.local_fields == ()
    assert len(merged) == len(base)


def test_a_new_id_is_added_with_origin_overlay(base: Directory) -> None:
    local = parse(
        """
        [sources]
        local = "Added by a user of this computer"

        [[organization]]
        id = "new-shelter"
        name = "New Shelter"
        kind = "ngo"
        services = ["shelter"]
        sources = ["local"]
        """
    )
    merged = overlay.merge(base, local).directory
    org = merged.get("new-shelter")
    assert org is not None
    assert org.origin == "overlay"
    assert org.services == ("shelter",)
    assert merged.citations["local"] == "Added by a user of this computer"
    assert len(merged) == len(base) + 1


def test_hidden_ids_disappear(base: Directory) -> None:
    merged = overlay.merge(base, parse('hidden = ["criminal-chamber"]\n')).directory
    assert merged.get("criminal-chamber") is None
    assert len(merged) == len(base) - 1


def test_an_override_of_an_unknown_id_is_an_orphan_not_an_error(base: Directory) -> None:
    local = parse('[[organization]]\nid = "gone"\nnotes = "x"\n')
    merged = overlay.merge(base, local)
    assert merged.orphans == ("gone",)
    assert len(merged.directory) == len(base)


def test_an_invalid_field_names_the_overlay_file_line_and_entry(base: Directory) -> None:
    local = parse(
        """
        [[organization]]
        id = "criminal-chamber"
        notes = "ok"

        [[organization]]
        id = "care-international-laos"
        services = ["shelterr"]
        """
    )
    with pytest.raises(DataError) as caught:
        overlay.merge(base, local)
    assert str(caught.value).startswith(
        "overlay.toml:6: [care-international-laos]: unknown service slug 'shelterr'; "
        "did you mean 'shelter'?"
    )


def test_a_shape_error_is_caught_before_merging() -> None:
    with pytest.raises(DataError, match="hidden must be a list of ids"):
        parse('hidden = "criminal-chamber"\n')
    with pytest.raises(DataError, match=r"overlay.toml:3: \[x\]: id 'x' appears twice"):
        parse('[[organization]]\nid = "x"\n[[organization]]\nid = "x"\n')


def test_atomic_write_validates_first_and_keeps_a_backup(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.toml"
    userdata.atomic_write(target, b"one")
    userdata.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert userdata.backup_path(target).read_bytes() == b"one"

    def refuse(data: bytes) -> None:
        raise DataError("no")

    with pytest.raises(DataError):
        userdata.atomic_write(target, b"three", validate=refuse)
    assert target.read_bytes() == b"two"
    assert userdata.backup_path(target).read_bytes() == b"one"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert (target.stat().st_mode & 0o777) == 0o600


def test_update_leaves_a_damaged_file_byte_for_byte(base: Directory, tmp_path: Path) -> None:
    file = tmp_path / "overlay.toml"
    damaged = b'hidden = ["a"\n\x00 garbage'
    file.write_bytes(damaged)
    with pytest.raises(DataError, match=str(file)):
        overlay.update(file, base, lambda doc: overlay.hide(doc, "criminal-chamber"))
    assert file.read_bytes() == damaged
    assert not userdata.backup_path(file).exists()


def test_a_change_that_would_make_the_overlay_invalid_is_not_written(
    base: Directory, tmp_path: Path
) -> None:
    file = tmp_path / "overlay.toml"
    overlay.update(file, base, lambda doc: overlay.hide(doc, "criminal-chamber"))
    before = file.read_bytes()

    def bad(doc: dict[str, Any]) -> None:
        overlay.set_fields(doc, "criminal-chamber", {"kind": "court"}, None)

    with pytest.raises(UsageError, match=r"not saved: \[criminal-chamber\]: unknown kind 'court'"):
        overlay.update(file, base, bad)
    assert file.read_bytes() == before


WRITER = """
import sys
from pathlib import Path
from tiplookup import directory, overlay

path, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
base = directory.load()
for i in range(count):
    table = {{"id": f"{{prefix}}-{{i}}", "name": f"{{prefix}} {{i}}", "kind": "ngo",
             "services": [], "sources": ["local"]}}
    overlay.update(path, base, lambda doc: overlay.add(doc, table))
    overlay.update(path, base, lambda doc: overlay.set_fields(
        doc, "criminal-chamber", {{f"notes": f"{{prefix}} {{i}}"}}, None))
"""


def test_two_processes_writing_at_once_keep_both_sets_of_edits(
    base: Directory, tmp_path: Path
) -> None:
    file = tmp_path / "overlay.toml"
    count = 40
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(), str(file), prefix, str(count)],
            env=env,
        )
        for prefix in ("alpha", "beta")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    final = overlay.read(file)
    assert final is not None
    ids = {e["id"] for e in final.entries}
    expected = {f"{p}-{i}" for p in ("alpha", "beta") for i in range(count)}
    assert expected <= ids, sorted(expected - ids)[:5]
    merged = overlay.merge(base, final).directory
    assert len(merged) == len(base) + 2 * count


FIELDS = [
    "name",
    "description",
    "kind",
    "phones",
    "phones+",
    "emails",
    "services+",
    "address",
    "province",
    "area",
    "end",
    "confidential",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    org_id=st.sampled_from(["criminal-chamber", "care-international-laos", "new-one"]),
    field=st.sampled_from(FIELDS),
    value=st.text(max_size=30),
)
def test_any_edit_is_either_saved_valid_or_refused(
    base: Directory, tmp_path: Path, org_id: str, field: str, value: str
) -> None:
    from tiplookup import edits, tables
    from tiplookup.errors import TiplookupError

    file = tmp_path / "overlay.toml"
    op = "+=" if field.endswith("+") else "="
    assignment = f"{field.rstrip('+')}{op}{value}"

    def change(doc: dict[str, Any]) -> None:
        original = base.get(org_id)
        bundled = tables.organization(original) if original else None
        if bundled is None and overlay.find(doc, org_id) is None:
            overlay.add(doc, {"id": org_id, "name": "New", "kind": "ngo", "services": []})
        current = {**(bundled or {}), **(overlay.find(doc, org_id) or {})}
        overlay.set_fields(doc, org_id, edits.apply(current, [assignment]), bundled)

    before = file.read_bytes() if file.exists() else None
    try:
        overlay.update(file, base, change)
    except TiplookupError:
        assert (file.read_bytes() if file.exists() else None) == before
    final = overlay.read(file)
    overlay.merge(base, final)  # whatever was saved is valid


def test_diff_lists_only_the_fields_that_differ(base: Directory) -> None:
    local = parse(
        """
        hidden = ["criminal-chamber"]

        [[organization]]
        id = "care-international-laos"
        kind = "international-ngo"
        emails = ["new@example.org"]

        [[organization]]
        id = "gone"
        notes = "x"
        """
    )
    changes = {c.org_id: c for c in overlay.diff(base, local)}
    care = changes["care-international-laos"]
    assert care.kind == "changed"
    assert care.fields == (
        ("emails", ["Keoamphone.souvannaphoum@careint.org"], ["new@example.org"]),
    )
    assert changes["gone"].kind == "orphan"
    assert changes["criminal-chamber"].kind == "hidden"
