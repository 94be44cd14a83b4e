"""Broken directory files give clear errors: file, line, entry, what to fix; exit 3."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

GOOD = """[meta]
schema_version = 1

[[organization]]
id = "shelter-one"
name = "Shelter One"
kind = "ngo"
services = ["shelter"]
emails = ["info@example.org"]

[organization.location]
address = "Ban Naxay, Savannakhet Province"
province = "savannakhet"

[[organization.phones]]
source_text = "+856 41 260 276"
number = "+85641260276"
display = "+856 41 260 276"
"""


def test_a_good_file_validates(run: Run, write_directory: Callable[[str], Path]) -> None:
    path = write_directory(GOOD)
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: 1 organisations, 0 problems\n"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'name = "Shelter One"\n',
            'name = "Shelter One\n',
            ":6: not valid TOML: Illegal character '\\n'",
        ),
        ('name = "Shelter One"\n', "", ":4: [shelter-one]: missing 'name'; add name = \"…\""),
        (
            'services = ["shelter"]',
            'services = ["shelters"]',
            ":4: [shelter-one]: unknown service slug 'shelters'; did you mean 'shelter'?",
        ),
        (
            'province = "savannakhet"',
            'province = "savanakhet"',
            ":4: [shelter-one]: unknown province 'savanakhet' in location.province; "
            "did you mean 'savannakhet'?",
        ),
        (
            'emails = ["info@example.org"]',
            'emails = ["info@example.org / x@example.org"]',
            ":4: [shelter-one]: malformed email 'info@example.org / x@example.org'; write one "
            "address per list item, like name@example.org",
        ),
        (
            'number = "+85641260276"',
            'number = "+85641260277"',
            ":4: [shelter-one]: malformed phone '+85641260277': the number must be one of those "
            "derived from source_text '+856 41 260 276' (+85641260276)",
        ),
        (
            'kind = "ngo"',
            'kind = "charity"',
            ":4: [shelter-one]: unknown kind 'charity'; use one of: government, committee, "
            "justice, "
            "mass-organisation, ngo, international-ngo, un-agency, donor-programme, association",
        ),
        (
            "emails = [",
            "email = [",
            ":4: [shelter-one]: unknown field 'email'; did you mean 'emails'?",
        ),
    ],
)
def test_each_problem_is_named_with_file_line_and_fix(
    run: Run, write_directory: Callable[[str], Path], old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = write_directory(GOOD.replace(old, new, 1))
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == f"{path}{message}"
    assert result.stdout.splitlines()[-1] == f"{path}: 1 problem(s)"


def test_duplicate_ids_and_every_problem_counted(
    run: Run, write_directory: Callable[[str], Path]
) -> None:
    body = GOOD.split("[[organization]]", 1)[1]
    text = GOOD + "\n[[organization]]" + body.replace('kind = "ngo"', 'kind = "x"')
    text += "\n[[organization]]" + body
    path = write_directory(text)
    result = run("validate", str(path))
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:20: [shelter-one]: unknown kind 'x'")
    assert lines[1] == (
        f"{path}:36: [shelter-one]: duplicate id 'shelter-one' (first at "
        "line 4); every entry needs its own id"
    )
    assert lines[-1] == f"{path}: 2 problem(s)"


def test_a_broken_directory_stops_other_commands_with_one_line(
    run: Run, write_directory: Callable[[str], Path]
) -> None:
    path = write_directory(GOOD.replace('kind = "ngo"', 'kind = "x"'))
    result = run("--directory", str(path), "validate")
    assert result.exit_code == 3
    result = run("validate", env={"TIPLOOKUP_DIRECTORY": str(path)})
    assert result.exit_code == 3
    assert result.stdout.startswith(f"{path}:4: [shelter-one]: unknown kind 'x'")


def test_missing_file_is_one_line_on_stderr(run: Run, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.toml"))
    assert result.exit_code == 3
    assert result.stderr == f"tiplookup: error: {tmp_path / 'nope.toml'}: no such directory file\n"
    assert result.stdout == ""


def test_version_and_module_entry_point() -> None:
    from tiplookup import __version__

    out = subprocess.run(
        [sys.executable, "-m", "tiplookup", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert out.stdout == f"tiplookup {__version__}\n"


def test_installed_console_script_validates_the_bundled_directory_from_anywhere(
    tmp_path: Path,
) -> None:
    script = Path(sys.executable).with_name("tiplookup")
    assert script.exists(), "install the package first: pip install '.[test]'"
    out = subprocess.run(
        [str(script), "validate"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith(": 36 organisations, 0 problems\n")
    assert out.stderr == ""


def test_an_empty_directory_file_is_refused(
    run: Run, write_directory: Callable[[str], Path]
) -> None:
    path = write_directory("")
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == (
        f"{path}: no organisations: the file has no [[organization]] entries "
        "(is it empty or cut short?)"
    )
    assert run("--directory", str(path), "search", "shelter").exit_code == 3


def test_a_huge_query_is_not_echoed_back_in_full(run: Run) -> None:
    result = run("search", "x" * 100_000)
    assert result.exit_code == 1
    assert result.stderr.startswith("tiplookup: error: ")
    assert result.stderr.endswith("…\n") and len(result.stderr) < 500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("meta = 1\n", "'meta' must be a table ([meta])"),
        ("sources = 1\n", "'sources' must be a table ([sources])"),
        (
            'organization = [1, {id="a",name="A",kind="ngo",parent="zz"}]\n',
            "each [[organization]] must be a table",
        ),
    ],
)
def test_tables_of_the_wrong_shape_are_problems_not_crashes(
    run: Run, write_directory: Callable[[str], Path], text: str, message: str
) -> None:
    path = write_directory(text)
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert any(message in line for line in result.stdout.splitlines()), result


def test_text_false_is_not_a_boolean(run: Run, write_directory: Callable[[str], Path]) -> None:
    path = write_directory(
        GOOD.replace('province = "savannakhet"', 'province = "savannakhet"\nderived = "false"')
    )
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0].endswith(
        "'location.derived' must be true or false (without quotes), not 'false'"
    )


def test_a_fifo_is_refused_not_waited_on(run: Run, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    result = run("--directory", str(fifo), "search", "shelter")
    assert result.exit_code == 3
    assert result.stderr == f"tiplookup: error: {fifo}: not a regular file\n"


@pytest.mark.parametrize("text", [GOOD, GOOD.replace('kind = "ngo"', 'kind = "ngx"'), "a = ["])
@pytest.mark.parametrize("was_enabled", [True, False])
def test_reading_a_file_leaves_the_cycle_collector_as_it_was(
    write_directory: Callable[[str], Path], text: str, was_enabled: bool
) -> None:
    import gc

    from tiplookup import directory

    path = write_directory(text)
    if not was_enabled:
        gc.disable()
    try:
        directory.check(path)
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable()
