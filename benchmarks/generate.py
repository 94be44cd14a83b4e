"""Synthetic directories in tiplookup's own schema, for speed and scale benchmarks.

Every file is made from a fixed seed, so the same size always gives the same bytes,
and passes ``tiplookup validate``. The organisations are invented: names, places and
services look like the real directory's, but phone numbers and emails are random and
must never be dialled or written to. The file's [meta] says so.

    python benchmarks/generate.py 100000 /tmp/directory-100000.toml
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from tiplookup import phones, places, taxonomy

SIZES = (36, 1_000, 10_000, 100_000)

# Lao words that organisations and villages are named after.
LAO_WORDS = (
    "Sengsavang", "Phonsavanh", "Saysamphanh", "Keomany", "Douangchampa", "Vongsavanh",
    "Souksavanh", "Namjai", "Sithong", "Khamphet", "Chanthavong", "Phetsamone", "Viengkham",
    "Sisouk", "Bounmy", "Thongsavath", "Manivong", "Xaysana", "Oudomsouk", "Sombath",
    "Phommachanh", "Inthavong", "Latsavong", "Noukham", "Khounsavanh", "Dokkhoun", "Mixay",
    "Nongbok", "Phonhong", "Houayxay", "Nakai", "Sepon", "Paksong", "Thakhek", "Vangvieng",
    "Saenkham", "Champa", "Dokmai", "Anousone", "Somsanouk",
)  # fmt: skip
GIVEN = (
    "Souphavone", "Vanh", "Keo", "Noy", "Bounthanh", "Chanthaly", "Phonesavanh", "Souksakhone",
    "Manivanh", "Khampheng", "Sengdao", "Viengsamay", "Somchith", "Latdavanh", "Thipphavanh",
)  # fmt: skip
FAMILY = (
    "Dalavong", "Phommachanh", "Sisouphanh", "Keomanivong", "Inthavong", "Vongsa", "Sayavong",
    "Khounphanxay", "Luangrath", "Souvannaphoum", "Rattanavong", "Xayavong", "Chanthala",
)  # fmt: skip
TITLES = ("Coordinator", "Director", "Case Manager", "Programme Officer", "Deputy Director")
FORMS = (
    ("{word} Community Development Association", "association"),
    ("{word} Women and Children Centre", "ngo"),
    ("{province} Provincial Women's Union", "mass-organisation"),
    ("{province} Provincial Youth Union", "mass-organisation"),
    ("{province} Department of Labour and Social Welfare", "government"),
    ("{province} Provincial Anti-Trafficking Division", "government"),
    ("{province} Provincial People's Court", "justice"),
    ("{province} Legal Aid Office", "justice"),
    ("{province} Child Protection Network", "committee"),
    ("{word} Foundation for {cause}", "ngo"),
    ("{word} Shelter for Women and Girls", "ngo"),
    ("{word} Migrant Worker Resource Centre", "donor-programme"),
    ("Friends of {word}", "international-ngo"),
    ("{word} Health and Recovery Clinic", "ngo"),
    ("Ban {word} Village Mediation Unit", "committee"),
    ("{cause} Programme in {province}", "un-agency"),
)
CAUSES = (
    "Safe Migration", "Child Rights", "Women's Empowerment", "Survivor Recovery",
    "Community Health", "Legal Empowerment", "Vocational Training", "Ending Child Marriage",
)  # fmt: skip
WHAT = {
    "victim-identification": "screens returning migrants to identify victims of trafficking",
    "protection": "keeps survivors and children at risk safe from further harm",
    "shelter": "runs a safe house with transit rooms for women and girls",
    "medical-care": "provides health checks, treatment and counselling",
    "recovery": "offers psychosocial counselling and life-skills support",
    "legal-aid": "gives free legal advice and represents victims in court",
    "legal-documentation": "helps survivors obtain family books and identity documents",
    "prosecution": "investigates and prosecutes trafficking cases",
    "repatriation": "arranges the safe return of victims from Thailand and China",
    "education": "runs schooling and scholarship programmes for vulnerable youth",
    "reintegration": "supports survivors to return to their families and villages",
    "prevention": "raises awareness of safe migration in border villages",
    "policy-advocacy": "advocates for stronger protection of migrant workers",
    "research": "studies migration and trafficking routes",
    "coalition-building": "brings together local partners against trafficking",
    "networking": "links village networks with provincial services",
    "support-agencies": "trains officials and partner agencies",
    "coordination": "coordinates the provincial response to human trafficking",
    "children": "focuses on children and adolescents",
    "labour": "works with migrant workers in agriculture, factories and fishing",
}
AREA_CODES = {
    "attapeu": "36", "bokeo": "84", "bolikhamxay": "54", "champasak": "31", "houaphanh": "64",
    "khammouane": "51", "luang-namtha": "86", "luang-prabang": "71", "oudomxay": "81",
    "phongsaly": "88", "salavan": "34", "savannakhet": "41", "vientiane-province": "23",
    "vientiane-capital": "21", "xayaboury": "74", "sekong": "38", "xieng-khouang": "61",
    "xaisomboun": "61",
}  # fmt: skip
META = """\
# SYNTHETIC benchmark directory made by benchmarks/generate.py (seed {seed}, {size} entries).
# Every organisation, phone number and email here is invented: never dial or write to them.

[meta]
schema_version = 1
source_name = "Synthetic benchmark directory: not real organisations"
retrieved = "2026-12-04"
retrieved_note = "Generated by benchmarks/generate.py; no source."
"""


def q(text: str) -> str:
    """A TOML basic string (JSON's escaping is a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


class Generator:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.provinces = [(p.slug, p.english_name, p.capital) for p in places.provinces()]
        self.vientiane_districts = [
            (d.slug, d.name) for d in places.districts() if d.province == "vientiane-capital"
        ]
        self.services = [s.slug for s in taxonomy.SERVICES]
        self.used: set[str] = set()

    def entries(self, size: int) -> Iterator[str]:
        for n in range(size):
            yield self.entry(n)

    def entry(self, n: int) -> str:
        rnd = self.rnd
        slug, province, _capital = rnd.choice(self.provinces)
        form, kind = rnd.choice(FORMS)
        word = rnd.choice(LAO_WORDS)
        name = form.format(word=word, province=province, cause=rnd.choice(CAUSES))
        org_id = self.unique_id(name)
        services = rnd.sample(self.services, rnd.choice((1, 2, 2, 3, 3, 4, 5, 7)))
        lines = [
            "[[organization]]",
            f"id = {q(org_id)}",
            f"name = {q(name)}",
        ]
        acronym = "".join(w[0] for w in name.replace("'", "").split() if w[0].isupper())
        if len(acronym) >= 3 and rnd.random() < 0.5:
            lines.append(f"alternate_names = {qlist([acronym])}")
        lines += [
            f"kind = {q(kind)}",
            f"description = {q(self.description(name, province, services))}",
            f"services = {qlist(services)}",
            "source_services = "
            + qlist([taxonomy.get(s).source_labels[0] for s in services if rnd.random() < 0.7]),
        ]
        if rnd.random() < 0.4:
            lines.append(f"emails = {qlist(self.emails(org_id))}")
        if rnd.random() < 0.05:
            start = rnd.randint(2010, 2022)
            end = start + rnd.randint(2, 6)
            lines.append(
                f'period = {{ start = {start}, end = {end}, source_text = "{start}-{end}" }}'
            )
        if rnd.random() < 0.6:
            lines.append(f"last_verified = 20{rnd.randint(23, 26)}-{rnd.randint(1, 12):02d}-15")
        lines += self.location(slug, province, word, confidential="shelter" in services)
        lines += self.area(slug)
        for _ in range(rnd.choice((0, 1, 1, 1, 2, 3))):
            lines += self.phone(slug)
        return "\n".join(lines) + "\n"

    def unique_id(self, name: str) -> str:
        base = "-".join(taxonomy.fold(name).split())
        org_id, n = base, 1
        while org_id in self.used:
            n += 1
            org_id = f"{base}-{n}"
        self.used.add(org_id)
        return org_id

    def description(self, name: str, province: str, services: list[str]) -> str:
        parts = [WHAT[s] for s in services]
        first = f"{name} {parts[0]} in {province}"
        rest = "; it also " + ", ".join(parts[1:]) if len(parts) > 1 else ""
        tail = self.rnd.choice(
            (
                " Cases are referred by the Lao Women's Union and village authorities.",
                " It works closely with the provincial Anti-Trafficking Division.",
                " Services are free of charge and confidential.",
                "",
            )
        )
        return first + rest + "." + tail

    def emails(self, org_id: str) -> list[str]:
        domain = org_id[:20].strip("-") + ".org.la"
        out = ["info@" + domain]
        if self.rnd.random() < 0.3:
            given, family = self.rnd.choice(GIVEN), self.rnd.choice(FAMILY)
            out.append(f"{given}.{family}@gmail.com".lower())
        return out

    def location(self, slug: str, province: str, word: str, *, confidential: bool) -> list[str]:
        if self.rnd.random() < 0.15:
            return []
        house = self.rnd.randint(1, 300)
        lines = ["", "[organization.location]"]
        if slug == "vientiane-capital":
            district_slug, district = self.rnd.choice(self.vientiane_districts)
            address = f"House {house}, Ban {word}, {district} District, Vientiane Capital"
            lines += [f"address = {q(address)}", f"province = {q(slug)}"]
            lines.append(f"district = {q(district_slug)}")
        else:
            address = f"House {house}, Ban {word}, {province} Province"
            lines += [f"address = {q(address)}", f"province = {q(slug)}"]
        lines += ["derived = false", f"confidential = {str(confidential).lower()}"]
        return lines

    def area(self, slug: str) -> list[str]:
        roll = self.rnd.random()
        if roll < 0.15:
            return ["", "[organization.service_area]", 'scope = "national"']
        if roll < 0.65:
            others = [p for p, _, _ in self.provinces if p != slug]
            chosen = [slug, *self.rnd.sample(others, self.rnd.choice((0, 0, 1, 2)))]
            return [
                "",
                "[organization.service_area]",
                'scope = "provinces"',
                f"provinces = {qlist(chosen)}",
            ]
        return []

    def phone(self, slug: str) -> list[str]:
        rnd = self.rnd
        style = rnd.random()
        if style < 0.4:
            text = f"+856 20 {rnd.randint(2000, 9999)} {rnd.randint(1000, 9999)}"
        elif style < 0.6:
            text = f"020 {rnd.randint(20000000, 99999999)}"
        else:
            area = AREA_CODES[slug]
            text = f"+856 {area} {rnd.randint(200000, 999999)}"
        if rnd.random() < 0.25:
            given, title = rnd.choice(GIVEN), rnd.choice(TITLES)
            text += f" (Ms. {given}, {title})"
        parsed = next(p for p in phones.parse(text) if p.valid)
        return [
            "",
            "[[organization.phones]]",
            f"source_text = {q(text)}",
            f"number = {q(parsed.number)}",
            f"display = {q(parsed.display)}",
        ]


def write(path: Path, size: int, seed: int = 7) -> Path:
    """Write a synthetic directory of ``size`` organisations to ``path``."""
    generator = Generator(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(META.format(seed=seed, size=size))
        for text in generator.entries(size):
            out.write("\n" + text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of organisations")
    parser.add_argument("path", type=Path, help="where to write the TOML file")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(args.path, args.size, args.seed)


if __name__ == "__main__":
    main()
