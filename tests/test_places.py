"""Province resolution and reading provinces from addresses."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from tiplookup import places
from tiplookup.errors import UsageError

import sourcedoc

REFERENCE = tomllib.loads((resources.files("tiplookup") / "data/lao_admin.toml").read_text("utf-8"))
SPELLINGS = [
    (spelling, p["slug"])
    for p in REFERENCE["province"]
    for key in (
        "slug",
        "iso_code",
        "iso_name",
        "english_name",
        "lao",
        "lao_variants",
        "aliases",
        "aliases_unverified",
    )
    for spelling in ([p[key]] if isinstance(p.get(key), str) else p.get(key, []))
    # a bare "Vientiane"/"Viangchan" means the capital (reference [matching]), tested below
    if not (p["slug"] == "vientiane-province" and spelling in ("ວຽງຈັນ", "Viangchan"))
]


def test_there_are_18_first_level_divisions_with_iso_codes() -> None:
    provinces = places.provinces()
    assert len(provinces) == 18
    assert len({p.iso_code for p in provinces}) == 18
    assert all(p.iso_code.startswith("LA-") and p.lao and p.sources for p in provinces)


@pytest.mark.parametrize(("spelling", "slug"), SPELLINGS)
def test_every_spelling_in_the_reference_resolves(spelling: str, slug: str) -> None:
    assert places.resolve_province(spelling).slug == slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("savannakhet", "savannakhet"),
        ("Savannakhet Province", "savannakhet"),
        ("LA-SV", "savannakhet"),
        ("la-sv", "savannakhet"),
        ("ສະຫວັນນະເຂດ", "savannakhet"),
        ("ແຂວງສະຫວັນນະເຂດ", "savannakhet"),
        ("savanakhet", "savannakhet"),
        ("savannaket", "savannakhet"),  # a typo
        ("Champassak", "champasak"),
        ("pakse", "champasak"),  # capital town
        ("Vientiane", "vientiane-capital"),  # bare Vientiane means the capital
        ("ວຽງຈັນ", "vientiane-capital"),
        ("Vientiane Province", "vientiane-province"),
        ("luangprabang", "luang-prabang"),
        ("ຫລວງພະບາງ", "luang-prabang"),  # older orthography
        ("ຫຼວງພະບາງ", "luang-prabang"),
        ("  Bokèo  ", "bokeo"),
    ],
)
def test_resolve(text: str, slug: str) -> None:
    assert places.resolve_province(text).slug == slug


def test_unknown_province_names_the_closest() -> None:
    with pytest.raises(
        UsageError,
        match=r"unknown province 'Savanaket Xyz'; did you mean "
        r"Savannakhet",
    ):
        places.resolve_province("Savanaket Xyz")


def test_nonsense_is_an_error() -> None:
    with pytest.raises(UsageError, match="unknown province 'qqqq'"):
        places.resolve_province("qqqq")


EXPECTED_ADDRESSES = {
    "Nongsanthor Road Nongsangthor Village Saysettha District,Vientiane": (
        "vientiane-capital",
        "xaysetha",
    ),
    "P.O. Box 1080, KM3 Thadeua road, Sistanak district, Vientiane": (
        "vientiane-capital",
        "sisattanak",
    ),
    "House No.169, Unit 08, Saphanthong Neua Village, Sisattanak District, Vientiane": (
        "vientiane-capital",
        "sisattanak",
    ),
    "Benoit Couturier, Country Director, 51/1 Hong Kae Road - Ban Sisangvone": None,
    "Mean Noy Village, Saysettha District, Vientiane capital": ("vientiane-capital", "xaysetha"),
    "4th Floor, Vientiane Capital Court Building, KM3 Thadeua Road, Sisattanak District, "
    "Vientiane": ("vientiane-capital", "sisattanak"),
    "Department of Tourism, P.O.Box: 3556, Lane Xang Avenue, Hatsady Village, Chanthabouly "
    "District, Vientiane Capital": ("vientiane-capital", "chanthabouly"),
    "House No. 126/4, Unit 12, Ban Anou, Chanthabouly District, Vientiane Capital": (
        "vientiane-capital",
        "chanthabouly",
    ),
    "House #123, Unit 10, Beungkayoung Village, Sisattanak District, Vientiane Capital": (
        "vientiane-capital",
        "sisattanak",
    ),
    "Mayor, Provincal Governor": None,
    "Ban Oudomvilay, Kaysone Phomvihane District, Savannakhet Province": (
        "savannakhet",
        "Kaysone Phomvihane",
    ),
    "23 Singha Road, Phonxay Village, Saysettha District, Vientiane Capital": (
        "vientiane-capital",
        "xaysetha",
    ),
    "Department of Tourism; P.O.Box: 3556, Lane Xang Avenue, Hatsady Village, Chanthabouly "
    "District, Vientiane Capital": ("vientiane-capital", "chanthabouly"),
    "House no. 429, Unit 41, 4th Floor (EDC), Green Building, Naxay Village, Saysettha "
    "District, Vientiane": ("vientiane-capital", "xaysetha"),
    "PO Box 4697, Ban Phonesavan Tai, Unit 14, House #207, Sisattanak District, Vientiane": (
        "vientiane-capital",
        "sisattanak",
    ),
}


def test_the_cases_cover_every_address_in_the_source() -> None:
    assert {e.get("Address") for e in sourcedoc.parse() if e.get("Address")} == set(
        EXPECTED_ADDRESSES
    )


@pytest.mark.parametrize("address", sorted(EXPECTED_ADDRESSES))
def test_address_to_province(address: str) -> None:
    match = places.province_from_address(address)
    got = (match.province, match.district) if match else None
    assert got == EXPECTED_ADDRESSES[address]


@pytest.mark.parametrize(
    ("address", "slug"),
    [
        (
            "Kaysone Phomvihane Road, Phonsaat Village, Xaysetha District, Vientiane Capital",
            "vientiane-capital",
        ),
        ("Kaysone Phomvihane Road, Vientiane", "vientiane-capital"),
        ("Ban Naxay, Kaysone Phomvihane", "savannakhet"),
        ("Xaysetha district, Attapeu", "attapeu"),
        ("Phonsavanh Village, Vientiane", "vientiane-capital"),
        ("Ban Phonsavan, Pek district", "xieng-khouang"),
        ("Vang Vieng, Vientiane Province", "vientiane-province"),
        ("Ban Xaybouly", "savannakhet"),  # not Xayaboury
        ("Chanthabouly road, Savannakhet", "savannakhet"),  # a street, then a province
        ("That Sikhottabong stupa, Thakhek, Khammouane", "khammouane"),
    ],
)
def test_address_pitfalls_from_the_reference(address: str, slug: str) -> None:
    match = places.province_from_address(address)
    assert match is not None and match.province == slug


def test_the_bundled_directory_records_the_derived_province_of_every_address() -> None:
    from tiplookup import directory

    for org in directory.load(directory.bundled_path()).organizations:
        if org.location is None:
            continue
        match = places.province_from_address(org.location.address)
        if org.id == "provincial-anti-human-trafficking-committees":
            assert org.province is None  # its "address" names officials, not a place
            continue
        assert org.location.derived
        assert org.province == (match.province if match else None), org.id


@pytest.mark.parametrize(
    ("typed", "first"),
    [("luang", "Luang Namtha, Luang Prabang"), ("xieng", "Xieng Khouang")],
)
def test_a_partial_name_suggests_the_provinces_it_begins(typed: str, first: str) -> None:
    with pytest.raises(UsageError, match=f"did you mean {first}"):
        places.resolve_province(typed)
