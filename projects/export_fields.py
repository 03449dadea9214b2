"""What the exports and the API say about a project, declared once: its fields.

Each Field has a Swedish column name for the CSV file, a stable English key for JSON and a
description that /data/ shows. Its value is one JSON-ready Python value; the CSV cell is that
same value written the way Swedish Excel reads it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter

from django.utils import timezone
from django.utils.text import capfirst

from projects.models import Goal, Project, format_period

# Between the values of a multi-valued cell; records (goals, contacts) go one a line.
LIST_SEPARATOR = " | "
LINE_SEPARATOR = "\n"


def swedish_number(value):
    """10, 2,5: a decimal comma and no trailing zeros, as Swedish Excel reads a number."""
    return f"{value.normalize():f}".replace(".", ",")


def cell_text(value):
    """A field's value as the text of its CSV cell."""
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
        return LIST_SEPARATOR.join(cell_text(item) for item in value)
    return str(value)


def lines_of(line):
    """A cell with one line per record, each written by `line`."""
    return lambda records: LINE_SEPARATOR.join([line(record) for record in records])


@dataclass(frozen=True)
class Field:
    key: str  # JSON: stable English snake_case
    column: str  # CSV: Swedish
    description: str  # what it means, shown on /data/
    # The object (for a project, its exports.ProjectRow) -> a JSON-ready value; or the path of
    # the attribute that holds it, "region.short_name".
    value: Callable | str
    cell: Callable = cell_text  # that value -> the CSV cell's text
    is_path: bool = False  # a path on the portal, given as an absolute URL

    def __post_init__(self):
        if isinstance(self.value, str):
            object.__setattr__(self, "value", attrgetter(self.value))

    def read(self, obj, origin):
        """The value; a path as an absolute URL on `origin`, "https://host"."""
        value = self.value(obj)
        return origin + value if self.is_path else value


def site_origin(request):
    """The request's scheme and host, "https://host": a path after it is an absolute URL (the
    paths are slugs, with nothing to quote)."""
    return request.build_absolute_uri("/").removesuffix("/")


def record(obj, fields, origin):
    """The fields' values for one object, keyed for JSON."""
    return {field.key: field.read(obj, origin) for field in fields}


# What the exports and the API give of a related row: {key: the model field it is read from}.
GOAL_RECORD = {
    "kind": "kind",
    "text": "text",
    "target_value": "target_value",
    "target_unit": "target_unit",
    "outcome_value": "outcome_value",
    "status": "status",
    "reported_on": "reported_on",
    "report_source": "report_source__title",
}
PARTNER_RECORD = {"organisation": "organisation__name", "role": "role"}
# No e-mail: the sources published none, and the pages show none.
CONTACT_RECORD = {"name": "name", "role": "role", "organisation": "organisation", "phone": "phone"}


def contact_record(contact):
    return {key: getattr(contact, name) for key, name in CONTACT_RECORD.items()}


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
        line += f" Målvärde: {swedish_number(goal['target_value'])} {goal['target_unit']}."
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


def partner_line(partner):
    return ": ".join(filter(None, [partner["organisation"], partner["role"]]))


PRECISION_LABELS = {precision: label.lower() for precision, label in Project.Precision.choices}


def precision_label(precision):
    return PRECISION_LABELS[precision]


# A period's text through Django's localisation costs about as much as the rest of the row;
# the portal speaks Swedish only, and projects share a few thousand periods at most.
period_label = lru_cache(maxsize=2**15)(format_period)


def contacts_field(contacts):
    """The contacts of a project or a region: `contacts` gives them as CONTACT_RECORDs."""
    return Field(
        "contacts",
        "Kontaktpersoner",
        "Kontaktpersoner som källan publicerade: namn (name), roll (role), organisation "
        "(organisation) och telefon (phone). I CSV-filen en person per rad i cellen.",
        contacts,
        lines_of(contact_line),
    )


def source_fields(owner):
    """The source an object was taken from; `owner` names the object in the descriptions."""
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
    Field("region_name", "Regionens officiella namn", "T.ex. Region Kronoberg.", "region.name"),
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
        precision_label,
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
        "Projektets mål: typ (kind: overall, övergripande mål, eller result, resultatmål), "
        "målet (text), målvärde (target_value) och enhet (target_unit), rapporterat utfall "
        "(outcome_value), uppföljningens status (status: not_reported, planned, ongoing, "
        "achieved eller not_achieved), dagen då den rapporterades (reported_on) och källan "
        "för rapporten (report_source). I CSV-filen ett mål per rad i cellen.",
        "goals",
        lines_of(goal_line),
    ),
    Field(
        "partners",
        "Samverkanspartner",
        "Organisationer som deltar (organisation) och meningen i källan om hur (role). "
        "I CSV-filen en organisation per rad i cellen.",
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
]
