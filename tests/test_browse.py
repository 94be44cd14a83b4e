"""``tiplookup search``, ``list``, ``services`` and ``provinces`` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Run

SENGSAVANG_BLOCK = """\
Sengsavang
  id: sengsavang
  kind: Lao non-profit / NGO
  why: based in Savannakhet; offers shelter
  phone: +856 41 260 276
  email: virith.khattignavong@sengsavang.org
  email: info@sengsavang.org
  address: Ban Oudomvilay, Kaysone Phomvihane District, Savannakhet Province
  warning: service area not stated in the source
  warning: not verified
"""

HOSTILE = """[meta]
schema_version = 1

[[organization]]
id = "evil"
name = "Evil [bold red]x[/] \\u001b[31mRED\\u001b[0m Shelter"
alternate_names = ["[link=http://x]EV[/link]"]
kind = "ngo"
description = "Runs a shelter. [blink]boo[/blink] \\u001b]0;title\\u0007 \\u202eevil"
services = ["shelter"]
emails = ["info@example.org"]

[organization.location]
address = "Ban Naxay, Savannakhet Province \\u001b[2J"
province = "savannakhet"

[[organization.phones]]
source_text = "+856 41 260 276"
number = "+85641260276"
display = "+856 41 260 276"
contact = "Mr [red]X[/red]"
"""


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


def first_names(stdout: str) -> list[str]:
    return [block.splitlines()[0] for block in stdout.split("\n\n") if block.strip()]


def test_shelter_in_savannakhet(run: Run) -> None:
    result = run("search", "shelter", "--province", "savannakhet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith(SENGSAVANG_BLOCK + "\nLao Women’s Union\n")
    assert first_names(result.stdout) == [
        "Sengsavang",
        "Lao Women’s Union",
        "Ministry of Labour and Social Welfare",
        "Social Welfare Department",
        "Judiciary Research and Training Institution",
        "The Asia Foundation",
    ]


@pytest.mark.parametrize("spelling", ["Savannakhet", "LA-SV", "ສະຫວັນນະເຂດ", "savanakhet"])
def test_every_province_spelling_works(run: Run, spelling: str) -> None:
    result = run("search", "shelter", "-p", spelling)
    assert result.exit_code == 0
    assert result.stdout.startswith(SENGSAVANG_BLOCK)


@pytest.mark.parametrize(
    ("args", "first", "why"),
    [
        (["sengsawang"], "Sengsavang", "name 'Sengsavang' (for 'sengsawang')"),
        (["lwu"], "Lao Women’s Union", "acronym 'LWU'"),
        (["womens", "union"], "Lao Women’s Union", "also known as 'Women's Union'"),
        (
            ["transit centre border"],
            "Village Focus International",
            "offers shelter ('transit centre'); in description: 'border'",
        ),
        (
            ["early", "marriage"],
            "Gender Development Association",
            "in description: 'early'; in description: 'marriage'",
        ),
    ],
)
def test_what_a_new_user_types(run: Run, args: list[str], first: str, why: str) -> None:
    result = run("search", *args)
    assert result.exit_code == 0
    assert result.stderr == ""
    block = result.stdout.split("\n\n")[0].splitlines()
    assert block[0] == first
    assert f"  why: {why}" in block


def test_lwu_lists_only_what_mentions_it(run: Run) -> None:
    assert first_names(run("search", "lwu").stdout) == ["Lao Women’s Union", "Sengsavang"]


def test_unknown_province_exits_2_with_did_you_mean(run: Run) -> None:
    result = run("search", "shelter", "--province", "savan")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "tiplookup: error: unknown province 'savan'; did you mean Savannakhet, Salavan, "
        "Xieng Khouang? (run 'tiplookup provinces' to list every spelling)\n"
    )


def test_no_match_exits_1_with_the_closest_names(run: Run) -> None:
    result = run("search", "proud to be them")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "tiplookup: error: no organisation matches 'proud to be them'; "
        "closest names: Proud to Be Us Laos (nothing matches the word 'them')\n"
    )


def test_no_match_in_a_province_suggests_dropping_it(run: Run) -> None:
    result = run("search", "vfi", "--province", "savannakhet")
    assert result.exit_code == 1
    assert result.stderr == (
        "tiplookup: error: no organisation matches 'vfi' in Savannakhet "
        "(try without --province savannakhet: 1 organisation(s) match then)\n"
    )


def test_unknown_service_kind_and_format_exit_2(run: Run) -> None:
    result = run("search", "--service", "shelters")
    assert (result.exit_code, result.stderr) == (
        2,
        "tiplookup: error: unknown service 'shelters'; did you mean 'shelter'? (valid services: "
        "victim-identification, protection, shelter, medical-care, recovery, legal-aid, "
        "legal-documentation, prosecution, repatriation, education, reintegration, prevention, "
        "policy-advocacy, research, coalition-building, networking, support-agencies, "
        "coordination, children, labour)\n",
    )
    result = run("search", "--kind", "charity")
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: unknown kind 'charity' (valid kinds: ")
    result = run("search", "x", "--format", "xml")
    assert (result.exit_code, result.stderr) == (
        2,
        "tiplookup: error: unknown format 'xml'; use one of: table, plain, json\n",
    )


def test_json_output_follows_the_documented_schema(run: Run) -> None:
    result = run("search", "shelter", "-p", "savannakhet", "--limit", "2", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert list(data) == [
        "schema",
        "query",
        "province",
        "province_name",
        "services",
        "date",
        "count",
        "total",
        "hits",
        "suggestions",
        "hints",
    ]
    assert data["schema"] == "tiplookup.search/1"
    assert (data["province"], data["province_name"], data["count"]) == (
        "savannakhet",
        "Savannakhet",
        2,
    )
    hit = data["hits"][0]
    assert list(hit) == [
        "rank",
        "id",
        "name",
        "score",
        "matched",
        "relation",
        "relation_text",
        "reasons",
        "warnings",
        "organization",
    ]
    assert (hit["id"], hit["relation"], hit["relation_text"]) == (
        "sengsavang",
        "based",
        "based in Savannakhet",
    )
    assert hit["organization"]["phones"][0]["tel"] == "tel:+85641260276"


def test_json_with_no_match_still_prints_the_document(run: Run) -> None:
    result = run("search", "zzzz", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["hits"] == []
    assert result.stderr == "tiplookup: error: no organisation matches 'zzzz'\n"


def test_an_empty_query_lists_everything(run: Run) -> None:
    result = run("search", "--all")
    assert result.exit_code == 0
    assert len(first_names(result.stdout)) == 36


def test_table_format_respects_width_and_no_color(run: Run) -> None:
    result = run("search", "lwu", "--format", "table", env={"COLUMNS": "60", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    lines = result.stdout.splitlines()
    assert lines[3].split()[:5] == ["1", "Lao", "Women’s", "acronym", "'LWU'"]


def test_list_services_and_provinces(run: Run) -> None:
    listed = run("list")
    assert listed.exit_code == 0
    assert len(listed.stdout.splitlines()) == 36
    assert (
        "sengsavang\tSengsavang\tLao non-profit / NGO\tSavannakhet\tnot stated in the source\t\n"
        in listed.stdout
    )
    assert (
        "triangle-in-asean\tTriangle in ASEAN\tDonor-funded programme\t-\tnot stated in the "
        "source\tprogramme ended in 2025; no phone number or email\n" in listed.stdout
    )
    services = run("services")
    assert services.exit_code == 0
    assert "  shelter: Shelter (7 organisations)\n      synonyms: safe house, safehouse," in (
        services.stdout
    )
    provinces = run("provinces")
    assert provinces.exit_code == 0
    assert "savannakhet\tLA-SV\tSavannakhet\tສະຫວັນນະເຂດ\t1\t21\n" in provinces.stdout
    assert json.loads(run("provinces", "-f", "json").stdout)["schema"] == "tiplookup.provinces/1"
    assert json.loads(run("services", "-f", "json").stdout)["schema"] == "tiplookup.services/1"
    data = json.loads(run("list", "-f", "json", "-p", "champasak").stdout)
    assert data["schema"] == "tiplookup.list/1"
    assert "village-focus-international" in [o["id"] for o in data["organizations"]]


def test_directory_strings_are_printed_as_data(
    run: Run, write_directory: Callable[[str], Path]
) -> None:
    path = str(write_directory(HOSTILE))
    for fmt in ("plain", "table", "json"):
        result = run("--directory", path, "search", "shelter", "--format", fmt)
        assert result.exit_code == 0, result
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\u202e" not in result.stdout
        assert "[bold red]x[/]" in result.stdout
    plain = run("--directory", path, "search", "shelter").stdout
    assert plain.splitlines()[0] == "Evil [bold red]x[/] RED Shelter"
    assert "  phone: +856 41 260 276 (Mr [red]X[/red])" in plain


def test_show_prints_hostile_strings_as_data(
    run: Run, write_directory: Callable[[str], Path]
) -> None:
    path = str(write_directory(HOSTILE))
    for fmt in ("plain", "card", "json"):
        result = run("show", "evil", "--format", fmt, env={"TIPLOOKUP_DIRECTORY": path})
        assert result.exit_code == 0, result
        assert not set(result.stdout) & {"\x1b", "\x07", "\u202e"}
        assert "[link=http://x]EV[/link]" in result.stdout
        assert "Mr [red]X[/red]" in result.stdout


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=30), province=st.none() | st.text(max_size=20))
def test_search_never_fails_but_with_one_line_of_error(
    run: Run, query: str, province: str | None
) -> None:
    args = ["search", "--", query] if province is None else ["search", "-p", province, "--", query]
    result = run(*args)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert result.stderr.startswith("tiplookup: error: ")
        assert result.stderr.count("\n") == 1


def test_the_installed_console_script_pipes_plain_text(tmp_path: Path) -> None:
    script = shutil.which("tiplookup", path=str(Path(sys.executable).parent))
    assert script is not None
    env = {**os.environ, "TIPLOOKUP_HOME": str(tmp_path), "TIPLOOKUP_TODAY": "2026-12-04"}
    env.pop("TIPLOOKUP_DIRECTORY", None)
    search = subprocess.run(
        [script, "search", "shelter", "--province", "savannakhet"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert search.returncode == 0
    assert search.stderr == ""
    assert search.stdout.startswith(SENGSAVANG_BLOCK)
    # a real pipe into a reader that stops early: no traceback, no error
    with subprocess.Popen(
        [script, "search"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as producer:
        assert producer.stdout is not None
        head = subprocess.run(
            ["head", "-n", "1"], stdin=producer.stdout, capture_output=True, text=True, check=True
        )
        producer.stdout.close()
        assert producer.stderr is not None
        errors = producer.stderr.read()
    assert head.stdout == "CARE International Laos\n"
    assert errors == b""


# -- docs ----------------------------------------------------------------------------------

DOCS = REPO / "docs"


def _console_examples(name: str) -> list[tuple[str, str]]:
    """Every ``$ tiplookup …`` console block in a doc: (command line, output)."""
    text = (DOCS / name).read_text("utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        first, _, output = block.partition("\n")
        examples.append((first.removeprefix("$ "), output))
    return examples


def _run_line(run: Run, line: str) -> str:
    """Run a documented command line in-process; ``| head -n N`` is applied to stdout."""
    command, _, head = line.partition(" | head -n ")
    args = shlex.split(command)[1:]
    result = run(*args, env={"NO_COLOR": "1", "COLUMNS": "100"})
    stdout = result.stdout
    if head:
        stdout = "".join(stdout.splitlines(keepends=True)[: int(head)])
    return stdout + result.stderr


@pytest.mark.parametrize(
    ("line", "expected"),
    _console_examples("usage.md") + _console_examples("json.md"),
    ids=lambda value: value if value.startswith("tiplookup") else "",
)
def test_docs_show_real_output(run: Run, line: str, expected: str) -> None:
    assert _run_line(run, line) == expected


def test_every_browse_command_is_documented_with_help() -> None:
    from tiplookup.cli import register

    app = register()
    usage = (DOCS / "usage.md").read_text("utf-8")
    for command in ("search", "show", "list", "services", "provinces"):
        assert f"tiplookup {command}" in usage
        info = next(
            c
            for c in app.registered_commands
            if (c.name or c.callback.__name__) in (command, command + "_")
        )
        assert info.callback is not None and info.callback.__doc__


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("ສະຫວັນນະເຂດ", "Sengsavang"),  # Lao script: vowel and tone marks stay in the word
        ("ຈຳປາສັກ", "Village Focus International"),
        ("moj", "Ministry of Justice"),  # the acronym beats a word in another's source heading
    ],
)
def test_lao_script_and_acronyms_rank_first(run: Run, query: str, first: str) -> None:
    result = run("search", query, "--format", "plain")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines()[0] == first


@pytest.mark.parametrize("width", ["60", "80"])
def test_the_table_never_cuts_an_email_on_a_narrow_terminal(run: Run, width: str) -> None:
    result = run(
        "search", "shelter", "-p", "savannakhet", "--format", "table", env={"COLUMNS": width}
    )
    lines = result.stdout.splitlines()
    start = next(line for line in lines if "Phone / email" in line).index("Phone / email")
    column = "".join(line[start:].strip() for line in lines)
    for email in ("virith.khattignavong@sengsavang.org", "xayasoukhamphay1234@gmail.com"):
        assert email in column
    assert max(len(line) for line in lines) <= int(width)


def test_search_shows_twenty_by_default_and_says_how_to_see_the_rest(run: Run) -> None:
    result = run("search")  # every organisation: 36 in the bundled directory
    assert result.exit_code == 0
    blocks = result.stdout.split("\n\n")
    assert len(blocks) == 21
    assert blocks[-1].strip() == (
        "20 of 36 organisations shown, best first; --all shows every one, --limit N the first N"
    )
    everyone = run("search", "--all")
    assert everyone.stdout.count("\n  id: ") == 36
    assert "organisations shown" not in everyone.stdout
    assert run("search", "-n", "3").stdout.count("\n  id: ") == 3
    data = json.loads(run("search", "--limit", "5", "--format", "json").stdout)
    assert (data["count"], data["total"], len(data["hits"])) == (5, 36, 5)
    both = run("search", "--all", "--limit", "3")
    assert (both.exit_code, both.stderr) == (
        2,
        "tiplookup: error: give --limit or --all, not both\n",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["search", "shelter", "--limit", "abc"],
            "invalid value for '--limit' / '-n': 'abc' is not a valid int "
            "(see 'tiplookup search --help')",
        ),
        (["search", "--bogus"], "no such option: --bogus (see 'tiplookup search --help')"),
        (["serch", "x"], "no such command 'serch'. Did you mean 'search', 'services'? "),
        (["--bogus", "search", "x"], "no such option: --bogus (see 'tiplookup --help')"),
        (["search", "-p"], "option '-p' requires an argument (see 'tiplookup search --help')"),
    ],
)
def test_a_bad_option_is_one_line_not_a_usage_page(
    run: Run, args: list[str], expected: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: " + expected)
    assert result.stderr.count("\n") == 1


def test_a_command_group_without_its_subcommand_still_shows_its_help(run: Run) -> None:
    result = run("overlay")  # click shows the group's help (on stderr, exit 2)
    shown = result.stdout + result.stderr
    assert "Commands:" in shown and "diff" in shown
    assert "tiplookup: error" not in shown
