"""The published projects a filter gives, as a streamed CSV or JSON file (fields in export_fields).

Projects are read as plain namespaces a chunk at a time: a model instance for every project,
goal, partner and contact would make an export several times slower.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from types import SimpleNamespace

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, Max, When
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from projects.export_fields import (
    CONTACT_RECORD,
    FACT_RECORD,
    GOAL_RECORD,
    PARTNER_RECORD,
    PROJECT_FIELDS,
    record,
    site_origin,
)
from projects.facts import TOPIC_ORDER
from projects.models import Contact, Fact, Goal, Partnership, Programme, Project, person_edits
from regions.models import Region, Source

# Memory stays flat, and the queries grow with the chunks, never with the projects.
CHUNK_SIZE = 2000
LINES_PER_PIECE = 200
# Excel would run a cell starting with these as a formula (a description's "- " list too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportJSONEncoder(DjangoJSONEncoder):
    """Decimals as JSON numbers (10, 2.5) rather than strings."""

    def default(self, o):
        if isinstance(o, Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


to_json = ExportJSONEncoder(ensure_ascii=False).encode


def csv_cell(text):
    """The text as csv.writer(delimiter=";") writes it, after a ' if Excel would run it as a
    formula. Written out because csv.writer reads a text a character at a time."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(texts):
    return ";".join([csv_cell(text) for text in texts]) + "\r\n"


def csv_lines(projects, origin):
    # The byte-order mark tells Excel the file is UTF-8, so å, ä and ö come out right.
    yield "\ufeff" + csv_line([field.column for field in PROJECT_FIELDS])
    for project in projects:
        yield csv_line([field.cell(field.read(project, origin)) for field in PROJECT_FIELDS])


def json_chunks(projects, origin):
    yield "["
    for number, project in enumerate(projects):
        yield ("," if number else "") + "\n" + to_json(record(project, PROJECT_FIELDS, origin))
    yield "\n]\n"


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


def project_paths():
    """slug -> its path: reverse() for each project costs a sizeable share of an export."""
    before, _, after = reverse("projects:detail", args=["slug"]).rpartition("slug")
    return lambda slug: before + slug + after


def among(ids):
    """The ids, for `__in`, as one array parameter: an IN list of a chunk's thousands of
    placeholders costs Django several times what the database takes to answer."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


# A project's facts in the order its page shows them (Fact.facts_by_topic).
FACTS_IN_PAGE_ORDER = [
    Case(*(When(topic=topic, then=rank) for topic, rank in TOPIC_ORDER.items())),
    "position",
    "id",
]


def by_project(model, ids, record, within_project=None):
    """{project id: [record, ...]}, each project's in the model's own order unless told."""
    # By the project's id, not its own ordering (its title), which would join the projects.
    within_project = within_project or [n for n in model._meta.ordering if n != "project"]
    rows = (
        model.objects.filter(project__in=among(ids))
        .order_by("project_id", *within_project)
        .values_list("project_id", *record.values())
    )
    records = defaultdict(list)
    for project_id, *values in rows:
        records[project_id].append(dict(zip(record, values, strict=True)))
    return records


def theme_names(ids):
    tagged = Project.themes.through.objects.filter(project__in=among(ids)).order_by("theme__name")
    names = defaultdict(list)
    for project_id, name in tagged.values_list("project_id", "theme__name"):
        names[project_id].append(name)
    return names


def last_edits(ids):
    """{project id: when a person last changed it}, as ProjectQuerySet.with_edit_dates says."""
    edits = person_edits().filter(id__in=among(ids)).values_list("id").annotate(Max("history_date"))
    return dict(edits.order_by())


def in_chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def project_rows(queryset):
    """The projects as the fields read them, a chunk at a time: each chunk's themes, goals,
    partners, contacts, facts and edits in a query each; the few regions, programmes and
    sources once."""
    regions = Region.objects.select_related("county").in_bulk()
    programmes = Programme.objects.in_bulk()
    sources = Source.objects.only(
        "publisher", "title", "retrieved_year", "retrieved_on", "url"
    ).in_bulk()
    path = project_paths()
    projects = queryset.values(*PROJECT_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in in_chunks(projects, CHUNK_SIZE):
        ids = [project["id"] for project in chunk]
        themes = theme_names(ids)
        goals = by_project(Goal, ids, GOAL_RECORD)
        partners = by_project(Partnership, ids, PARTNER_RECORD)
        contacts = by_project(Contact, ids, CONTACT_RECORD)
        facts = by_project(Fact, ids, FACT_RECORD, FACTS_IN_PAGE_ORDER)
        edited = last_edits(ids)
        for project in chunk:
            yield SimpleNamespace(
                **project,
                theme_names=themes[project["id"]],
                path=path(project["slug"]),
                region=regions[project["region_id"]],
                programme=programmes[project["programme_id"]],
                source=sources[project["source_id"]],
                goals=goals[project["id"]],
                partners=partners[project["id"]],
                contacts=contacts[project["id"]],
                facts=facts[project["id"]],
                edited_at=edited.get(project["id"]),
            )


@dataclass(frozen=True)
class FileFormat:
    extension: str
    content_type: str
    texts: Callable  # (project_rows, origin) -> the file's texts, a line or record each


CSV = FileFormat("csv", "text/csv; charset=utf-8", csv_lines)
JSON = FileFormat("json", "application/json; charset=utf-8", json_chunks)


def pieces(file_format, queryset, request):
    texts = file_format.texts(project_rows(queryset), site_origin(request))
    return ("".join(lines) for lines in in_chunks(texts, LINES_PER_PIECE))


def filename(file_format):
    return f"asf-projekt-{timezone.localdate():%Y-%m-%d}.{file_format.extension}"


def licence_link():
    """The licence of the portal's own data as a Link header (RFC 8288). The files carry no
    statement of their own: a CSV has no place for one that spreadsheets and csv readers would
    not take for a row of data, and the JSON file is a bare list that clients read as it is."""
    return f'<{settings.PORTAL_DATA_LICENCE["url"]}>; rel="license"'


def streaming_download(content, file_format):
    disposition = content_disposition_header(as_attachment=True, filename=filename(file_format))
    headers = {"Content-Disposition": disposition, "Link": licence_link()}
    # The first piece is made here, in the view: a database gone away then fails the request
    # where Django answers it (a 503, or the page read again from the primary), not once
    # gunicorn has begun sending, where it could only answer 500.
    content = iter(content)
    content = chain([next(content, "")], content)
    return StreamingHttpResponse(content, content_type=file_format.content_type, headers=headers)


def download(file_format, queryset, request):
    return streaming_download(pieces(file_format, queryset, request), file_format)
