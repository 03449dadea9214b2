"""What the exports and the API say about a project, declared once, and how it is written out.

Each Field has a Swedish column name for the CSV file, a stable English key for JSON and a
description that /data/ shows. Its value is one JSON-ready Python value; the CSV cell is
that same value written the way Swedish Excel reads it.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from projects.models import Goal, Project

# Projects read per round: each chunk's goals, partners and contacts come in a few queries,
# so memory stays flat and the queries grow with chunks, never with projects.
CHUNK_SIZE = 500
# Between the values of a multi-valued cell; records (goals, contacts) go one a line.
LIST_SEPARATOR = " | "
LINE_SEPARATOR = "\n"
# Excel would run a cell starting with these as a formula (a description's "- " list too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def swedish_number(value):
    """10, 2,5: a decimal comma and no trailing zeros, as Swedish Excel reads a number."""
    return f"{value.normalize():f}".replace(".", ",")


def cell_text(value):
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
    return lambda records: LINE_SEPARATOR.join(line(record) for record in records)


@dataclass(frozen=True)
class Field:
    key: str  # JSON: stable English snake_case
    column: str  # CSV: Swedish
    description: str  # what it means, shown on /data/
    value: Callable  # the record -> a JSON-ready value
    cell: Callable = cell_text  # that value -> the CSV cell
    is_path: bool = False  # a path on the portal, given as an absolute URL

    def read(self, obj, request):
        value = self.value(obj)
        return request.build_absolute_uri(value) if self.is_path else value


def record(obj, fields, request):
    """The fields' values for one object, keyed for JSON."""
    return {field.key: field.read(obj, request) for field in fields}


def contact_record(contact):
    # No e-mail: the sources published none, and the pages show none.
    return {
        "name": contact.name,
        "role": contact.role,
        "organisation": contact.organisation,
        "phone": contact.phone,
    }


def contact_line(contact):
    phone = f"tel. {contact['phone']}" if contact["phone"] else ""
    return ", ".join(
        filter(None, [contact["name"], contact["role"], contact["organisation"], phone])
    )


def goal_record(goal):
    return {
        "kind": goal.kind,
        "text": goal.text,
        "target_value": goal.target_value,
        "target_unit": goal.target_unit,
        "outcome_value": goal.outcome_value,
        "status": goal.status,
        "reported_on": goal.reported_on,
        "report_source": goal.report_source.title if goal.report_source else None,
    }


def goal_line(goal):
    line = f"{Goal.Kind(goal['kind']).label}: {goal['text']}"
    if goal["target_value"] is not None:
        line += f" Målvärde: {swedish_number(goal['target_value'])} {goal['target_unit']}."
    if goal["outcome_value"] is not None:
        line += f" Utfall: {swedish_number(goal['outcome_value'])}."
    if goal["status"] != Goal.Status.NOT_REPORTED:
        line += f" Status: {Goal.Status(goal['status']).label.lower()}"
        if goal["reported_on"]:
            line += f", rapporterad {goal['reported_on'].isoformat()}"
        if goal["report_source"]:
            line += f" ({goal['report_source']})"
        line += "."
    return line


def partner_line(partner):
    return ": ".join(filter(None, [partner["organisation"], partner["role"]]))


def precision_label(precision):
    return Project.Precision(precision).label.lower()


CONTACTS = Field(
    "contacts",
    "Kontaktpersoner",
    "Kontaktpersoner som källan publicerade: namn (name), roll (role), organisation "
    "(organisation) och telefon (phone). I CSV-filen en person per rad i cellen.",
    lambda owner: [contact_record(contact) for contact in owner.contacts.all()],
    lines_of(contact_line),
)


def source_fields(owner):
    """The source an object was taken from; `owner` names the object in the descriptions."""
    return [
        Field(
            "source_publisher",
            "Källans utgivare",
            f"Vem som publicerade texten som {owner} bygger på.",
            lambda obj: obj.source.publisher,
        ),
        Field(
            "source_title",
            "Källans titel",
            "Den publicerade textens titel.",
            lambda obj: obj.source.title,
        ),
        Field(
            "source_retrieved_year",
            "Källan hämtad år",
            "Året då portalen hämtade texten.",
            lambda obj: obj.source.retrieved_year,
        ),
        Field(
            "source_url",
            "Källans webbadress",
            "Textens webbadress. Tom när adressen inte sparades.",
            lambda obj: obj.source.url,
        ),
    ]


def description_field(name):
    label = capfirst(Project._meta.get_field(name).verbose_name)
    return Field(
        name,
        label,
        f"Texten under ”{label}” på projektets sida, som källan publicerade den. "
        "Tom om inget har publicerats.",
        lambda project: getattr(project, name),
    )


PROJECT_FIELDS = [
    Field("title", "Titel", "Projektets titel.", lambda p: p.title),
    Field(
        "title_is_editorial",
        "Redaktionell titel",
        "Sant (ja) när källan inte ger projektet någon titel och titeln är portalens "
        "beskrivning av projektet.",
        lambda p: p.title_is_editorial,
    ),
    Field(
        "region", "Region", "Regionens kortnamn, t.ex. Kronoberg.", lambda p: p.region.short_name
    ),
    Field(
        "region_name",
        "Regionens officiella namn",
        "T.ex. Region Kronoberg.",
        lambda p: p.region.name,
    ),
    Field("county", "Län", "Länet som regionen hör till.", lambda p: p.region.county.name),
    Field(
        "county_code",
        "Länskod",
        "Länets kod enligt SCB: två siffror, t.ex. 07.",
        lambda p: p.region.county.code,
    ),
    Field(
        "period",
        "Period",
        "Projektets period som portalen visar den, t.ex. 2017–2018. Tom om ingen period "
        "har publicerats.",
        lambda p: p.period_label,
    ),
    Field(
        "period_start",
        "Periodens start",
        "Periodens första dag (ÅÅÅÅ-MM-DD). Läs den med precisionen: när källan bara anger "
        "år är dagen och månaden utfyllnad.",
        lambda p: p.period_start,
    ),
    Field(
        "period_end",
        "Periodens slut",
        "Periodens sista dag (ÅÅÅÅ-MM-DD), med samma förbehåll.",
        lambda p: p.period_end,
    ),
    Field(
        "period_precision",
        "Periodens precision",
        "Hur exakt källan anger perioden: year (år), month (månad) eller day (dag).",
        lambda p: p.period_precision,
        precision_label,
    ),
    Field(
        "programme", "Program", "Programmet som finansierade projektet.", lambda p: p.programme.name
    ),
    Field(
        "funder",
        "Finansiär",
        "Finansiären bakom programmet, t.ex. Tillväxtverket. Tom om källan inte anger den.",
        lambda p: p.programme.funder,
    ),
    Field(
        "themes",
        "Teman",
        "Portalens teman för projektet: bara där projektets egen text använder ordet.",
        lambda p: [theme.name for theme in p.themes.all()],
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
        lambda p: [goal_record(goal) for goal in p.goals.all()],
        lines_of(goal_line),
    ),
    Field(
        "partners",
        "Samverkanspartner",
        "Organisationer som deltar (organisation) och meningen i källan om hur (role). "
        "I CSV-filen en organisation per rad i cellen.",
        lambda p: [
            {"organisation": partnership.organisation.name, "role": partnership.role}
            for partnership in p.partnerships.all()
        ],
        lines_of(partner_line),
    ),
    CONTACTS,
    *source_fields("projektet"),
    Field(
        "updated_at",
        "Senast ändrad",
        "När projektet senast ändrades i portalen (svensk tid).",
        lambda p: timezone.localtime(p.updated_at),
    ),
    Field(
        "url",
        "Permanent adress",
        "Projektets sida på ASF-portalen.",
        lambda p: p.get_absolute_url(),
        is_path=True,
    ),
    Field(
        "slug",
        "Projekt-id",
        "Projektets id i adresserna, t.ex. messe. Ändras inte.",
        lambda p: p.slug,
    ),
    Field(
        "region_slug",
        "Region-id",
        "Regionens id, som i filtret region= och i /api/regioner/<id>/.",
        lambda p: p.region.slug,
    ),
]


class ExportJSONEncoder(DjangoJSONEncoder):
    """Decimals as JSON numbers (10, 2.5) rather than strings; dates and times as ISO 8601."""

    def default(self, o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def to_json(data):
    return json.dumps(data, cls=ExportJSONEncoder, ensure_ascii=False)


class Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_cell(field, value):
    text = field.cell(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(projects, request):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    # The byte-order mark tells Excel the file is UTF-8, so å, ä and ö come out right.
    yield "\ufeff" + writer.writerow([field.column for field in PROJECT_FIELDS])
    for project in projects:
        values = record(project, PROJECT_FIELDS, request)
        yield writer.writerow([csv_cell(field, values[field.key]) for field in PROJECT_FIELDS])


def json_chunks(projects, request):
    yield "["
    for number, project in enumerate(projects):
        yield ("," if number else "") + "\n" + to_json(record(project, PROJECT_FIELDS, request))
    yield "\n]\n"


def every_project(queryset):
    """The queryset read a chunk at a time, each chunk with its related rows in a few queries."""
    return queryset.with_details().iterator(chunk_size=CHUNK_SIZE)


def download(chunks, content_type, extension):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"asf-projekt-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(queryset, request):
    return download(csv_lines(every_project(queryset), request), "text/csv; charset=utf-8", "csv")


def json_download(queryset, request):
    chunks = json_chunks(every_project(queryset), request)
    return download(chunks, "application/json; charset=utf-8", "json")
