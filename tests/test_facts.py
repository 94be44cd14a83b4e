"""Dates: ended and ending programmes, and a pinned date that is not a date."""

from __future__ import annotations

from conftest import Run


def test_a_programme_ending_this_year_is_flagged(run: Run) -> None:
    result = run(
        "show", "triangle-in-asean", "--format", "plain", env={"TIPLOOKUP_TODAY": "2025-06-01"}
    )
    assert result.exit_code == 0
    assert "warning:         programme due to end in 2025: check it is still running" in (
        result.stdout
    )
    assert "(ENDED)" not in result.stdout


def test_after_its_end_year_it_is_ended(run: Run) -> None:
    result = run(
        "show", "triangle-in-asean", "--format", "plain", env={"TIPLOOKUP_TODAY": "2026-01-01"}
    )
    assert "2015–2025 (ENDED)" in result.stdout
    assert "warning:         programme ended in 2025" in result.stdout


def test_a_bad_pinned_date_is_one_line_of_error(run: Run) -> None:
    result = run("search", "shelter", env={"TIPLOOKUP_TODAY": "garbage"})
    assert result.exit_code == 2
    assert result.stderr == (
        "tiplookup: error: TIPLOOKUP_TODAY='garbage' is not a date like 2026-12-04\n"
    )
