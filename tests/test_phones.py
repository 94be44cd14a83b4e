"""Phone normalisation of every phone string in the source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiplookup import phones

import sourcedoc

CASES = {
    "+856-21 217727": [("+85621217727", "+856 21 217 727", ())],
    "+856 21 487500 (Ms. Souphavone Dalavong, National Program Officer)": [
        ("+85621487500", "+856 21 487 500", ())
    ],
    "+856 21 417758": [("+85621417758", "+856 21 417 758", ())],
    "+856 21 412110 / 451298": [
        ("+85621412110", "+856 21 412 110", ()),
        ("+85621451298", "+856 21 451 298", ("shared-prefix",)),
    ],
    "85620 52940221": [("+8562052940221", "+856 20 5294 0221", ("no-plus",))],
    "+856 20 22 229 238 / +856 021 990 445": [
        ("+8562022229238", "+856 20 2222 9238", ()),
        ("+85621990445", "+856 21 990 445", ("trunk-zero",)),
    ],
    "(856-21) 212248, 212251 (Mrs. Sengsoda VANTHANOUVONG, Deputy Director General at the "
    "Department of Tourism)": [
        ("+85621212248", "+856 21 212 248", ("no-plus",)),
        ("+85621212251", "+856 21 212 251", ("shared-prefix",)),
    ],
    "+856 1 253125": [("", "+856 1 253125", ("invalid",))],
    "+856 20 77 809 937": [("+8562077809937", "+856 20 7780 9937", ())],
    "+856 41 260 276": [("+85641260276", "+856 41 260 276", ())],
    "+8562058564157": [("+8562058564157", "+856 20 5856 4157", ())],
    "+85621 454 923-4 (Dr. Xoukiet Panyanouvong (MD), Chief of Party, USAID Laos CTIP program)": [
        ("+85621454923", "+856 21 454 923", ("range",)),
        ("+85621454924", "+856 21 454 924", ("range",)),
    ],
    "+856 21 312519": [("+85621312519", "+856 21 312 519", ())],
}


def test_the_cases_cover_every_phone_string_in_the_source() -> None:
    in_source = {e.get("Phone") for e in sourcedoc.parse() if e.get("Phone")}
    assert in_source == set(CASES)


@pytest.mark.parametrize("text", sorted(CASES))
def test_phone_string(text: str) -> None:
    got = [(p.number, p.display, p.flags) for p in phones.parse(text)]
    assert got == CASES[text]


def test_contact_person_is_taken_from_brackets_including_nested_ones() -> None:
    (first, second) = phones.parse(
        "+85621 454 923-4 (Dr. Xoukiet Panyanouvong (MD), Chief of Party, USAID Laos CTIP program)"
    )
    assert first.contact == "Dr. Xoukiet Panyanouvong (MD), Chief of Party, USAID Laos CTIP program"
    assert second.contact == first.contact


def test_invalid_numbers_are_never_dialable() -> None:
    (bad,) = phones.parse("+856 1 253125")
    assert not bad.valid and bad.number == "" and bad.display == "+856 1 253125"


@pytest.mark.parametrize(
    ("text", "number", "kind"),
    [
        ("1362", "1362", "hotline"),
        ("021 412110", "+85621412110", "landline"),
        ("020 5294 0221", "+8562052940221", "mobile"),
        ("+856 30 512 3456", "+856305123456", "mobile"),
    ],
)
def test_other_shapes(text: str, number: str, kind: str) -> None:
    (p,) = phones.parse(text)
    assert (p.number, p.type) == (number, kind)


def test_a_mobile_never_lends_its_digits_to_the_next_number() -> None:
    mobile, bare = phones.parse("020 5294 0221 / 412110")
    assert mobile.number == "+8562052940221"
    assert not bare.valid and bare.number == ""  # not +856 20 5241 2110, which nobody wrote


def test_something_that_is_not_a_short_range_is_kept_as_written() -> None:
    (p,) = phones.parse("020 55 66 77-88")
    assert not p.valid and p.number == "" and p.display == "020 55 66 77-88"


def _reference_split_contact(text: str) -> tuple[str, str]:
    """The plain rule: take out the first bracketed group with a letter, until none is left."""

    def closing(start: int) -> int:
        depth = 0
        for i in range(start, len(body)):
            depth += {"(": 1, ")": -1}.get(body[i], 0)
            if depth == 0:
                return i
        return len(body)

    contacts: list[str] = []
    body = text
    while True:
        start = next(
            (
                i
                for i, c in enumerate(body)
                if c == "(" and any(ch.isalpha() for ch in body[i : closing(i)])
            ),
            None,
        )
        if start is None:
            return body, "; ".join(contacts)
        end = closing(start)
        contacts.append(body[start + 1 : end].strip())
        body = body[:start] + " " + body[end + 1 :]


@given(st.text(alphabet="()ab1 /,-+", max_size=30))
def test_contacts_are_taken_out_as_the_plain_rule_says(text: str) -> None:
    assert phones._split_contact(text) == _reference_split_contact(text)
