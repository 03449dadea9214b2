"""Build fixtures/portal.json from fixtures/excerpts.json: `python -m tools.build_fixtures`.

Every text the portal publishes is an excerpt of a published text in fixtures/sources/, written
down in fixtures/excerpts.json with the source it comes from. Each is checked against that
source before the fixture is written: an excerpt that is not in its source, or that holds page
furniture, stops the build. The few changes made to the texts (typos corrected, a sentence
about several regions rewritten about one) are listed in the data file, so a reader sees them.
The facts summarised from public pages are checked the same way against the reference record
they name (fixtures/reference/): the same field, text and page address, or the build stops.
"""

import argparse
import csv
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote

from django.utils.text import slugify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXCERPTS = ROOT / "fixtures" / "excerpts.json"
SOURCE_TEXTS = ROOT / "fixtures" / "sources"
OUTPUT = ROOT / "fixtures" / "portal.json"


class NotInSource(Exception):
    pass


# The word in the source's own sentence that an organisation's role rests on.
KIND_WORDS = {"ran": "drev", "took_part": "delt", "funder": "finansi"}


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def read_excerpts(path=EXCERPTS):
    return json.loads(path.read_text(encoding="utf-8"))


def corrected(text, typos, filename):
    """The text with its obvious typos corrected: what the portal's excerpts are checked in."""
    for wrong, right in typos.items():
        if wrong not in text:
            raise NotInSource(f"{filename}: the typo {wrong!r} is not in the text")
        text = text.replace(wrong, right)
    return normalise(text)


class Sources:
    """The published texts, read whole, and the check of an excerpt against its own."""

    def __init__(self, excerpts, directory=SOURCE_TEXTS):
        self.rewrites = excerpts["editorial_rewrites"]
        self.furniture = excerpts["furniture"]
        self.entries = {source["slug"]: source for source in excerpts["sources"]}
        self.originals = {
            slug: (directory / source["filename"]).read_text(encoding="utf-8")
            for slug, source in self.entries.items()
        }
        self.corrected = {
            slug: corrected(
                text, excerpts["typo_corrections"].get(slug, {}), self.entries[slug]["filename"]
            )
            for slug, text in self.originals.items()
        }

    def text(self, source, value):
        """A text as the portal shows it, each paragraph or list line checked to stand in the
        source. `value` is a string or a list of paragraphs; a paragraph that is a list is a
        list's lines (an introduction and "- " items)."""
        if isinstance(value, list):
            value = "\n\n".join(
                "\n".join(paragraph) if isinstance(paragraph, list) else paragraph
                for paragraph in value
            )
        lines = []
        for line in value.split("\n"):
            item = line.startswith("- ")
            piece = self.checked(source, line.removeprefix("- ")) if line else ""
            lines.append(f"- {piece}" if item else piece)
        return "\n".join(lines)

    def checked(self, source, piece):
        piece = normalise(piece)
        excerpt = self.rewrites.get(piece, piece)
        # A sentence cut from a list or a longer sentence may end with a full stop of ours.
        text = self.corrected[source]
        if excerpt not in text and excerpt.rstrip(".") not in text:
            raise NotInSource(f"not in {self.entries[source]['filename']}: {excerpt!r}")
        for furniture in self.furniture:
            if furniture in piece:
                raise NotInSource(f"page furniture {furniture!r} in {piece!r}")
        return piece


class Reference:
    """The reference's facts, each by its record, field, text and page address; and each page
    (one source per address) as the first fact from it describes it."""

    HEDGES = ("ej bekräftad", "osäker", "oklar", "härledd")

    def __init__(self, filename):
        records = json.loads((FIXTURES / filename).read_text(encoding="utf-8"))
        self.facts = {
            record["region"]: {(f["field"], f["value"], f["source_url"]) for f in record["facts"]}
            for record in records
        }
        self.pages = {}
        for fact in (fact for record in records for fact in record["facts"]):
            self.pages.setdefault(fact["source_url"], fact)

    def checked(self, record, fact):
        if (fact["label"], fact["text"], fact["url"]) not in self.facts.get(record, ()):
            raise NotInSource(f"not in the reference record {record!r}: {fact}")
        return fact["text"]

    def title(self, title, fact_text):
        """A title a fact gives in quotation marks, and does not call uncertain."""
        if f"”{title}”" not in fact_text or any(hedge in fact_text for hedge in self.HEDGES):
            raise NotInSource(f"the title {title!r} is not given, for certain, in {fact_text!r}")
        return title


def page_slug(url):
    """The address as a slug; a long one cut short, with a digest of it to tell it apart."""
    slug = slugify(re.sub(r"\W+", " ", unquote(url.split("://")[-1])))
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    return slug if len(slug) <= 100 else f"{slug[:91].strip('-')}-{digest}"


class FixtureWriter:
    """Collects fixture records with stable primary keys, in dependency order."""

    def __init__(self):
        self.records = []
        self.next_pk = {}

    def add(self, model, **fields):
        pk = self.next_pk.get(model, 1)
        self.next_pk[model] = pk + 1
        self.records.append({"model": model, "pk": pk, "fields": fields})
        return pk


def build(excerpts, directory=SOURCE_TEXTS):
    """The fixture's records: every excerpt checked against its source."""
    from projects.models import Project

    sources = Sources(excerpts, directory)
    facts = excerpts["reference_facts"]
    reference = Reference(facts["filename"])
    entered_at = excerpts["entered_at"]
    out = FixtureWriter()
    source = {
        slug: out.add(
            "regions.source",
            slug=slug,
            title=entry["title"],
            publisher=entry["publisher"],
            url="",
            retrieved_year=excerpts["retrieved_year"],
            retrieved_on=None,
            filename=entry["filename"],
            text=sources.originals[slug],
            page_date="",
        )
        for slug, entry in sources.entries.items()
    }
    # The pages the facts come from: not kept, and their titles were not noted.
    page = {}
    for group in facts["records"]:
        for fact in group["facts"]:
            reference.checked(group["record"], fact)
    for url in dict.fromkeys(fact["url"] for group in facts["records"] for fact in group["facts"]):
        page[url] = out.add(
            "regions.source",
            slug=page_slug(url),
            title="",
            publisher=reference.pages[url]["publisher"],
            url=url,
            retrieved_year=facts["retrieved_year"],
            retrieved_on=None,
            filename="",
            text="",
            page_date=reference.pages[url]["page_date"],
        )
    if len({page_slug(url) for url in page}) != len(page):
        raise NotInSource("two pages' addresses make the same slug")

    counties = excerpts["counties"]
    county = {}
    with (directory / counties["filename"]).open(encoding="utf-8") as lan:
        for row in csv.DictReader(lan):
            county[row["lanskod"]] = out.add(
                "regions.county",
                code=row["lanskod"],
                name=row["lan"],
                source=source[counties["source"]],
            )

    region = {}
    for entry in excerpts["regions"]:
        described = entry.get("description_source")
        region[entry["slug"]] = out.add(
            "regions.region",
            name=sources.text(entry["source"], entry["name"]),
            short_name=entry["short_name"],
            slug=entry["slug"],
            county=county[entry["county"]],
            funded_2017_2018=entry["funded_2017_2018"],
            description=sources.text(described, entry["description"]) if described else "",
            description_source=source[described] if described else None,
            source=source[entry["source"]],
            updated_at=entered_at,
        )
    # Tillväxtverket: "Varje region har tagit fram en handlingsplan"; only Kronoberg's text
    # says what its plan holds.
    for entry in excerpts["regions"]:
        plan = entry["action_plan"]
        plan_pk = out.add(
            "regions.actionplan",
            region=region[entry["slug"]],
            year=plan["year"],
            summary="",
            source=source[plan["source"]],
        )
        for position, priority in enumerate(plan.get("priorities", [])):
            out.add(
                "regions.priority",
                action_plan=plan_pk,
                text=sources.text(priority["source"], priority["text"]),
                position=position,
                source=source[priority["source"]],
            )
    for position, figure in enumerate(excerpts["region_figures"]):
        out.add(
            "regions.regionfigure",
            region=region[figure["region"]],
            value=figure["value"],
            unit=figure["unit"],
            is_approximate=figure["is_approximate"],
            statement=sources.text(figure["source"], figure["statement"]),
            position=position,
            source=source[figure["source"]],
        )

    for entry in excerpts["definitions"]:
        out.add(
            "projects.definition",
            term=entry["term"],
            slug=entry["slug"],
            defined_by=entry["defined_by"],
            text=sources.text(entry["source"], entry["text"]),
            source=source[entry["source"]],
        )
    programme = {
        entry["slug"]: out.add(
            "projects.programme",
            name=entry["name"],
            slug=entry["slug"],
            funder=entry["funder"],
            description=sources.text(entry["source"], entry["description"]),
            source=source[entry["source"]],
        )
        for entry in excerpts["programmes"]
    }
    theme = {
        entry["slug"]: out.add(
            "projects.theme", name=entry["name"], slug=entry["slug"], description=""
        )
        for entry in excerpts["themes"]
    }
    named = {
        (group.get("project"), fact["label"]): fact
        for group in facts["records"]
        for fact in group["facts"]
    }

    def stated(entry, project, *values):
        """The values as the record's own published text gives them, each checked to stand
        there; or, for a record with "fact", as that fact's summary gives them (letter case
        aside), with the fact's page as the source."""
        if "fact" not in entry:
            key = entry["source"]
            return [sources.text(key, value) for value in values], source[key]
        fact = named[(project, entry["fact"])]
        for value in values:
            if normalise(value).lower() not in fact["text"].lower():
                raise NotInSource(f"not in the fact {entry['fact']!r}: {value!r}")
        return list(values), page[fact["url"]]

    organisation = {}
    for entry in excerpts["organisations"]:
        if "fact" in entry:
            _, cited = stated(entry, entry["project"], entry["name"])
        else:  # a text may name it in lower case ("arbetsförmedlingen")
            cited = source[entry["source"]]
        organisation[entry["slug"]] = out.add(
            "projects.organisation", name=entry["name"], slug=entry["slug"], source=cited
        )
    project = {}
    for entry in excerpts["projects"]:
        key = entry["source"]
        title = entry["title"]
        if "title_fact" in entry:
            fact = named.get((entry["slug"], entry["title_fact"]), {"text": ""})
            title = reference.title(title, fact["text"])
        elif not entry["title_is_editorial"]:
            title = sources.text(key, title)  # a title the source does not give is marked so
        project[entry["slug"]] = out.add(
            "projects.project",
            region=region[entry["region"]],
            programme=programme[entry["programme"]],
            title=title,
            title_is_editorial=entry["title_is_editorial"],
            slug=entry["slug"],
            status="published",
            period_start=entry["period_start"],
            period_end=entry["period_end"],
            period_precision="year",
            themes=[theme[slug] for slug in entry["themes"]],
            source=source[key],
            created_at=entered_at,
            updated_at=entered_at,
            **{
                name: sources.text(key, entry[name]) if name in entry else ""
                for name in Project.DESCRIPTION_FIELDS
            },
        )
    for entry in excerpts["partnerships"]:
        # A fact is a summary, so no sentence of it is quoted as the role.
        (role,), cited = stated(entry, entry["project"], entry.get("role", ""))
        said = role or named[(entry["project"], entry.get("fact"))]["text"]
        if KIND_WORDS.get(entry["kind"], "") not in said:
            raise NotInSource(f"{entry['kind']!r} without {KIND_WORDS[entry['kind']]!r}: {said!r}")
        out.add(
            "projects.partnership",
            project=project[entry["project"]],
            organisation=organisation[entry["organisation"]],
            kind=entry["kind"],
            role=role,
            source=cited,
        )
    for position, goal in enumerate(excerpts["goals"]):
        if goal["at_least"] and "minst" not in goal["text"].lower():
            raise NotInSource(f"a goal marked “minst” that does not say so: {goal['text']!r}")
        (text,), cited = stated(goal, goal["project"], goal["text"])
        out.add(
            "projects.goal",
            project=project[goal["project"]],
            kind=goal["kind"],
            text=text,
            target_value=goal["target_value"],
            at_least=goal["at_least"],
            target_unit=goal["target_unit"],
            outcome_value=None,
            status="not_reported",  # no source reports on any goal's follow-up
            reported_on=None,
            report_source=None,
            position=position,
            source=cited,
        )
    for contact in excerpts["contacts"]:
        fields = ("name", "role", "organisation", "phone")
        values, cited = stated(contact, contact["project"], *(contact[name] for name in fields))
        out.add(
            "projects.contact",
            **dict(zip(fields, values, strict=True)),
            email="",  # the pages link to a form, they publish no address
            region=region[contact["region"]] if contact["region"] else None,
            project=project[contact["project"]] if contact["project"] else None,
            source=cited,
        )
    for group in facts["records"]:
        for position, fact in enumerate(group["facts"]):
            out.add(
                "projects.fact",
                project=project[group["project"]] if "project" in group else None,
                programme=programme[group["programme"]] if "programme" in group else None,
                label=fact["label"],
                topic=fact["topic"],
                text=fact["text"],
                kind="summary",  # the reference's values summarise their pages
                source=page[fact["url"]],
                position=position,
            )
    return out.records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the fixture goes")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asf_portal.settings")
    import django

    django.setup()
    try:
        records = build(read_excerpts())
    except NotInSource as error:
        sys.exit(f"build_fixtures: {error}")
    args.output.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    print(f"Wrote {len(records)} records to {args.output}")


if __name__ == "__main__":
    main()
