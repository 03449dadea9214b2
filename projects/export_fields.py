"""The fields the exports and the API give of a project, declared once: each with a Swedish CSV
column, an English JSON key, a description for /data/ and one JSON-ready value."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, partial
from operator import attrgetter
from pathlib import Path

from django.utils import timezone
from django.utils.text import capfirst

from projects.models import Fact, Goal, Partnership, Project, format_period
from regions.models import shown_page_date


def swedish_number(value):
    """10, 2,5: a decimal comma and no trailing zeros, as Swedish Excel reads a number."""
    return f"{value.normalize():f}".replace(".", ",")


def cell_text(value):
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal):
        return swedish_number(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return " | ".join(cell_text(item) for item in value)
    return str(value)


def lines_of(line):
    """A cell with one line per record (goal, contact), each written by `line`."""
    return lambda records: "\n".join([line(record) for record in records])


@dataclass(frozen=True)
class Field:
    key: str  # JSON: stable English snake_case
    column: str  # CSV: Swedish
    description: str  # what it means, shown on /data/
    value: Callable | str  # object -> JSON-ready value, or an attribute path "region.short_name"
    cell: Callable = cell_text  # that value -> the CSV cell's text
    is_path: bool = False  # a path on the portal, given as an absolute URL

    def __post_init__(self):
        if isinstance(self.value, str):
            object.__setattr__(self, "value", attrgetter(self.value))

    def read(self, obj, origin):
        value = self.value(obj)
        return origin + value if self.is_path else value


def site_origin(request):
    """The scheme and host, "https://host": a path (a slug, nothing to quote) after it is a URL."""
    return request.build_absolute_uri("/").removesuffix("/")


def record(obj, fields, origin):
    return {field.key: field.read(obj, origin) for field in fields}


# Each field's Swedish column and its description on /data/, by table ("shared": alike in
# several), read from a data file: texts for readers, apart from how the values are read.
FIELD_TEXTS = json.loads((Path(__file__).parent / "field_texts.json").read_text("utf-8"))


def described(table, key, value=None, cell=cell_text, is_path=False, **wording):
    """The field `key` with its texts, {placeholders} filled from `wording`; its value by default
    the attribute of the same name."""
    column, description = FIELD_TEXTS[table][key]
    description = description.format(**wording)
    return Field(key, column, description, value or key, cell, is_path)


def fields_read(*names, **renamed):
    """{key: the model field it is read from}: the `names` each under its own name, then the
    `renamed`."""
    return {**{name: name for name in names}, **renamed}


# What the exports and the API give of a related row.
GOAL_RECORD = {
    "kind": "kind",
    "text": "text",
    "target_value": "target_value",
    "at_least": "at_least",
    "target_unit": "target_unit",
    "outcome_value": "outcome_value",
    "status": "status",
    "reported_on": "reported_on",
    "report_source": "report_source__title",
    "source_url": "source__url",
}
PARTNER_RECORD = {
    "organisation": "organisation__name",
    "kind": "kind",
    "role": "role",
    "source_url": "source__url",
}
# No e-mail: the sources published none, and the pages show none.
CONTACT_RECORD = fields_read("name", "role", "organisation", "phone", source_url="source__url")
# A fact's source in full, its keys named as a project's own source_* fields are.
SOURCE_DETAILS = ["publisher", "title", "url", "page_date", "retrieved_year", "retrieved_on"]
FACT_RECORD = {
    **fields_read("topic", "label", "text", "kind"),
    **{f"source_{name}": f"source__{name}" for name in SOURCE_DETAILS},
}


def related_record(obj, fields):
    """A related model instance as one of the *_RECORDs above gives it."""
    return {key: attrgetter(name.replace("__", "."))(obj) for key, name in fields.items()}


def contact_line(contact):
    phone = f"tel. {contact['phone']}" if contact["phone"] else ""
    return ", ".join(
        filter(None, [contact["name"], contact["role"], contact["organisation"], phone])
    )


GOAL_KINDS = dict(Goal.Kind.choices)
GOAL_STATUSES = dict(Goal.Status.choices)


def goal_line(goal):
    line = f"{GOAL_KINDS[goal['kind']]}: {goal['text']}"
    if goal["target_value"] is not None:
        at_least = "minst " if goal["at_least"] else ""
        value = swedish_number(goal["target_value"])
        line += f" Målvärde: {at_least}{value} {goal['target_unit']}."
    if goal["outcome_value"] is not None:
        line += f" Utfall: {swedish_number(goal['outcome_value'])}."
    if goal["status"] != Goal.Status.NOT_REPORTED:
        line += f" Status: {GOAL_STATUSES[goal['status']].lower()}"
        if goal["reported_on"]:
            line += f", rapporterad {goal['reported_on'].isoformat()}"
        if goal["report_source"]:
            line += f" ({goal['report_source']})"
        line += "."
    return line


PARTNER_KINDS = dict(Partnership.Kind.choices)


def partner_line(partner):
    named = f"{partner['organisation']} ({PARTNER_KINDS[partner['kind']].lower()})"
    return ": ".join(filter(None, [named, partner["role"]]))


TOPIC_LABELS = dict(Fact.Topic.choices)
SOURCE_USE = {Fact.Kind.QUOTE: "citat ur", Fact.Kind.SUMMARY: "sammanfattning av"}


def fact_line(fact):
    page_date = shown_page_date(fact["source_page_date"])
    source = [
        fact["source_publisher"],
        fact["source_url"] or fact["source_title"],
        page_date and f"sidans datum: {page_date}",
        f"hämtad {fact['source_retrieved_on'] or fact['source_retrieved_year']}",
    ]
    told = f"{TOPIC_LABELS[fact['topic']]} – {fact['label']}: {fact['text']}"
    return f"{told} ({SOURCE_USE[fact['kind']]} {', '.join(filter(None, source))})"


def facts_field(facts, owner):
    """The facts of a project or a programme, given as FACT_RECORDs by `facts`."""
    topics = ", ".join(f"{topic}, {label.lower()}" for topic, label in Fact.Topic.choices)
    return described("shared", "facts", facts, lines_of(fact_line), owner=owner, topics=topics)


PRECISION_LABELS = {precision: label.lower() for precision, label in Project.Precision.choices}

# Django's localisation of a period costs as much as the rest of the row; periods are few.
period_label = lru_cache(maxsize=2**15)(format_period)


def contacts_field(contacts):
    """The contacts of a project or a region, given as CONTACT_RECORDs by `contacts`."""
    return described("shared", "contacts", contacts, lines_of(contact_line))


def source_fields(owner):
    names = ("publisher", "title", "retrieved_year", "retrieved_on", "url")
    return [described("shared", f"source_{name}", f"source.{name}", owner=owner) for name in names]


def description_field(name):
    label = capfirst(Project._meta.get_field(name).verbose_name)
    return Field(
        name,
        label,
        f"Texten under ”{label}” på projektets sida, som källan publicerade den. "
        "Tom om inget har publicerats.",
        name,
    )


project_field = partial(described, "project")
PROJECT_FIELDS = [
    project_field("title"),
    project_field("title_is_editorial"),
    project_field("region", "region.short_name"),
    project_field("region_name", "region.name"),
    project_field("county", "region.county.name"),
    project_field("county_code", "region.county.code"),
    project_field(
        "period", lambda p: period_label(p.period_start, p.period_end, p.period_precision)
    ),
    project_field("period_start"),
    project_field("period_end"),
    project_field("period_precision", cell=PRECISION_LABELS.__getitem__),
    project_field("programme", "programme.name"),
    project_field("funder", "programme.funder"),
    project_field("themes", "theme_names"),
    *(description_field(name) for name in Project.DESCRIPTION_FIELDS),
    project_field("goals", cell=lines_of(goal_line)),
    project_field("partners", cell=lines_of(partner_line)),
    contacts_field("contacts"),
    *source_fields("projektet"),
    project_field("updated_at", lambda p: p.edited_at and timezone.localtime(p.edited_at)),
    project_field("url", "path", is_path=True),
    project_field("slug"),
    project_field("region_slug", "region.slug"),
    # Last, so that the columns and keys before it keep their places.
    facts_field("facts", "projektet"),
]
