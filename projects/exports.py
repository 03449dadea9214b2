"""What the exports and the API say about a project, declared once, and how it is written out.

Each Field has a Swedish column name for the CSV file, a stable English key for JSON and a
description that /data/ shows. Its value is one JSON-ready Python value; the CSV cell is
that same value written the way Swedish Excel reads it.

A project's fields read a ProjectRow (project_rows) rather than a model instance: the export of
every project reads a hundred thousand projects, and a model instance for each of them and for
each of their goals, partners and contacts took three times as long as the whole export now.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from types import SimpleNamespace

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from asf_portal.paths import slug_paths
from projects.models import (
    Contact,
    Goal,
    Partnership,
    Programme,
    Project,
    Theme,
    format_period,
    person_edits,
)
from regions.models import Region, Source

# Projects read per round: each chunk's goals, partners and contacts come in a few queries,
# so memory stays flat and the queries grow with chunks, never with projects.
CHUNK_SIZE = 2000
# Lines handed to the response at a time.
LINES_PER_PIECE = 200
# Between the values of a multi-valued cell; records (goals, contacts) go one a line.
LIST_SEPARATOR = " | "
LINE_SEPARATOR = "\n"
# Excel would run a cell starting with these as a formula (a description's "- " list too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def swedish_number(value):
    """10, 2,5: a decimal comma and no trailing zeros, as Swedish Excel reads a number."""
    return f"{value.normalize():f}".replace(".", ",")


def swedish_time(moment):
    # The portal's time zone, settings.TIME_ZONE, which no request changes: without it
    # timezone.localtime() looks up the active one, slower than writing the rest of the cell.
    return timezone.localtime(moment, timezone.get_default_timezone())


def cell_text(value):
    if isinstance(value, str):  # most cells: tested first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal):
        return swedish_number(value)
    if isinstance(value, datetime):
        return swedish_time(value).strftime("%Y-%m-%d %H:%M")
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
    value: Callable  # the object (for a project, its ProjectRow) -> a JSON-ready value
    cell: Callable = cell_text  # that value -> the CSV cell
    is_path: bool = False  # a path on the portal, given as an absolute URL

    def read(self, obj, absolute):
        """The value; a path as absolute(path), a URL (see absolute_urls)."""
        value = self.value(obj)
        return absolute(value) if self.is_path else value

    def csv_writer(self, absolute):
        """obj -> the CSV cell, in one call."""
        value, cell = self.value, self.cell
        if self.is_path:
            return lambda obj: csv_cell(cell(absolute(value(obj))))
        if cell is cell_text:
            # Most cells are texts already, and a row has 32: a call fewer for each.
            def text_cell(obj):
                text = value(obj)
                return csv_cell(text if text.__class__ is str else cell_text(text))

            return text_cell
        return lambda obj: csv_cell(cell(value(obj)))


def absolute_urls(request):
    """path -> its absolute URL on the request's host: build_absolute_uri() with the scheme and
    host worked out once, rather than for each of a hundred thousand projects. (The paths are
    ASCII, slugs and query strings of slugs: nothing to quote.)"""
    origin = request.build_absolute_uri("/").removesuffix("/")
    return lambda path: origin + path


def record(obj, fields, absolute):
    """The fields' values for one object, keyed for JSON."""
    return {field.key: field.read(obj, absolute) for field in fields}


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


# Formatting a period through Django's localisation took a quarter of a row's time. The portal
# speaks Swedish only, so a period always reads the same, and projects share periods: most
# give years or months. (A few megabytes at most. Each day's text is kept too: swedish_date.)
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
            "source_retrieved_on",
            "Källan hämtad dag",
            "Dagen då portalen hämtade texten (ÅÅÅÅ-MM-DD). Tom när bara året sparades.",
            lambda obj: obj.source.retrieved_on,
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
        lambda p: period_label(p.period_start, p.period_end, p.period_precision),
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
        lambda p: p.theme_names,
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
        lambda p: p.goals,
        lines_of(goal_line),
    ),
    Field(
        "partners",
        "Samverkanspartner",
        "Organisationer som deltar (organisation) och meningen i källan om hur (role). "
        "I CSV-filen en organisation per rad i cellen.",
        lambda p: p.partners,
        lines_of(partner_line),
    ),
    contacts_field(lambda p: p.contacts),
    *source_fields("projektet"),
    Field(
        "updated_at",
        "Senast ändrad",
        "När en redaktör senast ändrade projektet i portalen (svensk tid). Tom (null) när "
        "projektet är som det hämtades ur källan: då säger källans fält när den hämtades.",
        lambda p: p.edited_at and swedish_time(p.edited_at),
    ),
    Field(
        "url",
        "Permanent adress",
        "Projektets sida på ASF-portalen.",
        lambda p: p.path,
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


# One encoder for every record: json.dumps(cls=...) would make one a record.
to_json = ExportJSONEncoder(ensure_ascii=False).encode


def csv_cell(text):
    """The text as csv.writer(delimiter=";") writes it, after a ' if Excel would run it as a
    formula: in quotes when it holds the delimiter, a quote or a line break, its quotes doubled.
    (csv.writer reads a text a character at a time: five times as slow on these long texts.)"""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(cells):
    return ";".join(cells) + "\r\n"


def csv_lines(projects, request):
    # The byte-order mark tells Excel the file is UTF-8, so å, ä and ö come out right.
    yield "\ufeff" + csv_line([csv_cell(field.column) for field in PROJECT_FIELDS])
    writers = [field.csv_writer(absolute_urls(request)) for field in PROJECT_FIELDS]
    for project in projects:
        yield csv_line([write(project) for write in writers])


def json_chunks(projects, request):
    absolute = absolute_urls(request)
    yield "["
    for number, project in enumerate(projects):
        yield ("," if number else "") + "\n" + to_json(record(project, PROJECT_FIELDS, absolute))
    yield "\n]\n"


class ProjectRow(SimpleNamespace):
    """A project as its fields read it: its PROJECT_COLUMNS; theme_names; the path of its page;
    edited_at, when a person last changed it (None: as loaded from the published texts);
    its region (with the county), programme and source; and its goals, partners and contacts as
    GOAL_RECORDs, PARTNER_RECORDs and CONTACT_RECORDs. Lists are in the order the project's page
    shows them."""


# The project's own columns that its fields read (not search_vector, say).
PROJECT_COLUMNS = [
    "id",
    "title",
    "title_is_editorial",
    "slug",
    "period_start",
    "period_end",
    "period_precision",
    *Project.DESCRIPTION_FIELDS,
    "region_id",
    "programme_id",
    "source_id",
]


def by_project(model, ids, record):
    """The model's rows of the projects `ids` as records read as `record` says, each project's
    in the model's own order (the order its page shows): {project id: [record, ...]}."""
    # The project's id first, rather than the project as Meta.ordering says (its title): the
    # index gives the rows in that order, so the database sorts only each project's few rows.
    within_project = [name for name in model._meta.ordering if name != "project"]
    rows = (
        model.objects.filter(project__in=ids)
        .order_by("project_id", *within_project)
        .values_list("project_id", *record.values())
    )
    records = defaultdict(list)
    for project_id, *values in rows:
        records[project_id].append(dict(zip(record, values, strict=True)))
    return records


def themes_by_project(ids, theme_names):
    """{project id: [theme name, ...]}, in the order of theme_names: a project's few themes
    by id, named from the handful there are (a subquery for each project took a tenth of an
    export)."""
    position = {pk: number for number, pk in enumerate(theme_names)}
    themes = defaultdict(list)
    tagged = Project.themes.through.objects.filter(project__in=ids)
    for project_id, theme_id in tagged.values_list("project", "theme"):
        themes[project_id].append(theme_id)
    return defaultdict(
        list,
        {
            project_id: [theme_names[pk] for pk in sorted(tagged_ids, key=position.__getitem__)]
            for project_id, tagged_ids in themes.items()
        },
    )


def last_edits(ids):
    """{project id: when a person last changed it}, for the projects `ids` that a person has
    changed: what the project's page says (ProjectQuerySet.with_edit_dates), a chunk at a
    time."""
    edits = person_edits().filter(id__in=ids).values("id").annotate(at=Max("history_date"))
    return dict(edits.order_by().values_list("id", "at"))


def in_chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def project_rows(queryset):
    """The queryset's projects as ProjectRows, in its order, read a chunk at a time: each
    chunk's goals, partners and contacts in a query each, the few regions, programmes and
    sources once for all."""
    regions = Region.objects.select_related("county").in_bulk()
    programmes = Programme.objects.in_bulk()
    sources = Source.objects.only(
        "publisher", "title", "retrieved_year", "retrieved_on", "url"
    ).in_bulk()
    theme_names = dict(Theme.objects.values_list("pk", "name"))  # in the themes' own order
    path = slug_paths("projects:detail")
    projects = queryset.values(*PROJECT_COLUMNS)
    for chunk in in_chunks(projects.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        ids = [project["id"] for project in chunk]
        themes = themes_by_project(ids, theme_names)
        goals = by_project(Goal, ids, GOAL_RECORD)
        partners = by_project(Partnership, ids, PARTNER_RECORD)
        contacts = by_project(Contact, ids, CONTACT_RECORD)
        edited = last_edits(ids)
        for project in chunk:
            yield ProjectRow(
                **project,
                theme_names=themes[project["id"]],
                path=path(project["slug"]),
                region=regions[project["region_id"]],
                programme=programmes[project["programme_id"]],
                source=sources[project["source_id"]],
                goals=goals[project["id"]],
                partners=partners[project["id"]],
                contacts=contacts[project["id"]],
                edited_at=edited.get(project["id"]),
            )


@dataclass(frozen=True)
class FileFormat:
    extension: str
    content_type: str
    texts: Callable  # (ProjectRows, request) -> the file's texts, a line or record each


CSV = FileFormat("csv", "text/csv; charset=utf-8", csv_lines)
JSON = FileFormat("json", "application/json; charset=utf-8", json_chunks)


def pieces(file_format, queryset, request):
    """The queryset's projects as the file's text, LINES_PER_PIECE lines a piece: the response
    encodes and sends each piece on its own."""
    texts = file_format.texts(project_rows(queryset), request)
    return ("".join(lines) for lines in in_chunks(texts, LINES_PER_PIECE))


def as_attachment(response, file_format):
    filename = f"asf-projekt-{timezone.localdate():%Y-%m-%d}.{file_format.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streaming_download(content, file_format):
    """A download of the content, an iterable of texts or bytes, sent as it is made."""
    response = StreamingHttpResponse(content, content_type=file_format.content_type)
    return as_attachment(response, file_format)


def download(file_format, queryset, request):
    return streaming_download(pieces(file_format, queryset, request), file_format)
