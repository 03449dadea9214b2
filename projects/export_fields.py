"""The fields the exports and the API give of a project, declared once: each with a Swedish CSV
column, an English JSON key, a description for /data/ and one JSON-ready value."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter

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


# What the exports and the API give of a related row: {key: the model field it is read from}.
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
CONTACT_RECORD = {
    "name": "name",
    "role": "role",
    "organisation": "organisation",
    "phone": "phone",
    "source_url": "source__url",
}
# A fact's source in full, its keys named as a project's own source_* fields are.
FACT_RECORD = {
    "topic": "topic",
    "label": "label",
    "text": "text",
    "kind": "kind",
    "source_publisher": "source__publisher",
    "source_title": "source__title",
    "source_url": "source__url",
    "source_page_date": "source__page_date",
    "source_retrieved_year": "source__retrieved_year",
    "source_retrieved_on": "source__retrieved_on",
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
    return Field(
        "facts",
        "Uppgifter ur källor",
        f"Vad publicerade sidor säger om {owner}, en uppgift i taget med sin sida, i den "
        "ordning portalen visar dem: ämne (topic: "
        + ", ".join(f"{topic}, {label.lower()}" for topic, label in Fact.Topic.choices)
        + "), uppgiftens namn (label, t.ex. ”mål 1”), uppgiften (text) och dess slag (kind: "
        "summary, portalens sammanfattning av vad sidan säger, eller quote, citat ur sidan "
        "ordagrant). Sidan anges med utgivare (source_publisher), titel (source_title, tom om "
        "ingen antecknades), webbadress (source_url), sidans datum som sidan visar det "
        "(source_page_date: tomt eller en anteckning som börjar med ”ej synligt” när inget "
        "datum syns) och när portalen läste den (source_retrieved_year, source_retrieved_on). "
        "Portalen sparar inte sidorna, bara uppgifterna och adresserna. I CSV-filen en "
        "uppgift per rad i cellen, med ämne och namn först och sidan inom parentes sist: "
        "utgivare, adress, sidans datum om det syns och när den hämtades, inledd med "
        "”sammanfattning av” eller ”citat ur”.",
        facts,
        lines_of(fact_line),
    )


PRECISION_LABELS = {precision: label.lower() for precision, label in Project.Precision.choices}

# Django's localisation of a period costs as much as the rest of the row; periods are few.
period_label = lru_cache(maxsize=2**15)(format_period)


def contacts_field(contacts):
    """The contacts of a project or a region, given as CONTACT_RECORDs by `contacts`."""
    return Field(
        "contacts",
        "Kontaktpersoner",
        "Kontaktpersoner som källan publicerade: namn (name), roll (role), organisation "
        "(organisation), telefon (phone) och adressen till källan (source_url, tom om "
        "adressen inte sparades). I CSV-filen en person per rad i cellen.",
        contacts,
        lines_of(contact_line),
    )


def source_fields(owner):
    return [
        Field(
            "source_publisher",
            "Källans utgivare",
            f"Vem som publicerade texten som {owner} bygger på.",
            "source.publisher",
        ),
        Field("source_title", "Källans titel", "Den publicerade textens titel.", "source.title"),
        Field(
            "source_retrieved_year",
            "Källan hämtad år",
            "Året då portalen hämtade texten.",
            "source.retrieved_year",
        ),
        Field(
            "source_retrieved_on",
            "Källan hämtad dag",
            "Dagen då portalen hämtade texten (ÅÅÅÅ-MM-DD). Tom när bara året sparades.",
            "source.retrieved_on",
        ),
        Field(
            "source_url",
            "Källans webbadress",
            "Textens webbadress. Tom när adressen inte sparades.",
            "source.url",
        ),
    ]


def description_field(name):
    label = capfirst(Project._meta.get_field(name).verbose_name)
    return Field(
        name,
        label,
        f"Texten under ”{label}” på projektets sida, som källan publicerade den. "
        "Tom om inget har publicerats.",
        name,
    )


PROJECT_FIELDS = [
    Field("title", "Titel", "Projektets titel.", "title"),
    Field(
        "title_is_editorial",
        "Redaktionell titel",
        "Sant (ja) när källan inte ger projektet någon titel och titeln är portalens "
        "beskrivning av projektet.",
        "title_is_editorial",
    ),
    Field("region", "Region", "Regionens kortnamn, t.ex. Kronoberg.", "region.short_name"),
    Field(
        "region_name",
        "Regionens officiella namn",
        "T.ex. Region Kronoberg. Regionen i länet där projektet hör hemma; för projekt utanför "
        "programmet inte den som drev projektet (se organisationerna och deras roller).",
        "region.name",
    ),
    Field("county", "Län", "Länet som regionen hör till.", "region.county.name"),
    Field(
        "county_code",
        "Länskod",
        "Länets kod enligt SCB: två siffror, t.ex. 07.",
        "region.county.code",
    ),
    Field(
        "period",
        "Period",
        "Projektets period som portalen visar den, t.ex. 2017–2018. Tom om ingen period "
        "har publicerats.",
        lambda p: period_label(p.period_start, p.period_end, p.period_precision),
    ),
    Field(
        "period_start",
        "Periodens start",
        "Periodens första dag (ÅÅÅÅ-MM-DD). Läs den med precisionen: när källan bara anger "
        "år är dagen och månaden utfyllnad.",
        "period_start",
    ),
    Field(
        "period_end",
        "Periodens slut",
        "Periodens sista dag (ÅÅÅÅ-MM-DD), med samma förbehåll.",
        "period_end",
    ),
    Field(
        "period_precision",
        "Periodens precision",
        "Hur exakt källan anger perioden: year (år), month (månad) eller day (dag).",
        "period_precision",
        PRECISION_LABELS.__getitem__,
    ),
    Field("programme", "Program", "Programmet som finansierade projektet.", "programme.name"),
    Field(
        "funder",
        "Finansiär",
        "Finansiären bakom programmet, t.ex. Tillväxtverket. Tom om källan inte anger den.",
        "programme.funder",
    ),
    Field(
        "themes",
        "Teman",
        "Portalens teman för projektet: bara där projektets egen text använder ordet.",
        "theme_names",
    ),
    *(description_field(name) for name in Project.DESCRIPTION_FIELDS),
    Field(
        "goals",
        "Mål",
        "Projektets mål: typ (kind: overall, övergripande mål, result, resultatmål, eller goal, "
        "mål som källan inte säger vilken typ de är av), "
        "målet (text), målvärde (target_value), om källan säger ”minst” (at_least) och enhet "
        "(target_unit), rapporterat utfall "
        "(outcome_value), uppföljningens status (status: not_reported, planned, ongoing, "
        "achieved eller not_achieved), dagen då den rapporterades (reported_on) och källan "
        "för rapporten (report_source) och adressen till källan som ger målet (source_url, "
        "tom om adressen inte sparades). I CSV-filen ett mål per rad i cellen.",
        "goals",
        lines_of(goal_line),
    ),
    Field(
        "partners",
        "Samverkanspartner",
        "Organisationer som källan nämner (organisation), den roll källan ger dem (kind: "
        "partner, samverkanspartner; ran, drev projektet; took_part, deltog i projektet; "
        "funder, finansiär; mentioned, nämns i källan utan att kallas samverkanspartner) och "
        "källans mening om dem (role) och adressen till källan (source_url, tom om adressen "
        "inte sparades). I CSV-filen en organisation per rad i cellen.",
        "partners",
        lines_of(partner_line),
    ),
    contacts_field("contacts"),
    *source_fields("projektet"),
    Field(
        "updated_at",
        "Senast ändrad",
        "När en redaktör senast ändrade projektet i portalen (svensk tid). Tom (null) när "
        "projektet är som det hämtades ur källan: då säger källans fält när den hämtades.",
        lambda p: p.edited_at and timezone.localtime(p.edited_at),
    ),
    Field("url", "Permanent adress", "Projektets sida på ASF-portalen.", "path", is_path=True),
    Field("slug", "Projekt-id", "Projektets id i adresserna, t.ex. messe. Ändras inte.", "slug"),
    Field(
        "region_slug",
        "Region-id",
        "Regionens id, som i filtret region= och i /api/regioner/<id>/.",
        "region.slug",
    ),
    # Last, so that the columns and keys before it keep their places.
    facts_field("facts", "projektet"),
]
