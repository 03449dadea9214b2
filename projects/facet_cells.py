"""The list's facets, declared once (FACETS), and the facet cells: the published projects
counted in advance by every facet's columns. The cells are made again on first use after the
data or the date changes: one request pays, however many saves, and no scheduled job is needed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, models, router, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from asf_portal.caching import data_changed_at
from projects.periods import period_status, year_condition
from regions.models import DataVersion


@dataclass(frozen=True)
class Facet:
    columns: tuple  # the cells' fields, and on a project its columns()
    condition: Callable  # chosen values -> a Q on those columns, for projects and cells alike
    keys: Callable  # one group's column values -> the choices it counts under


def one(value):
    return [value]


def years_between(start_year, end_year):
    if start_year is None or end_year is None:
        return []
    return [str(year) for year in range(start_year, end_year + 1)]


# The themes, many to a project, are counted apart: by the cells' theme, or the themes table.
FACETS = {
    "region": Facet(("region",), lambda regions: Q(region__in=regions), one),
    "programme": Facet(("programme",), lambda programmes: Q(programme__in=programmes), one),
    "year": Facet(("start_year", "end_year"), year_condition, years_between),
    "status": Facet(("period_status",), lambda statuses: Q(period_status__in=statuses), one),
}


def columns(today):
    """The facets' columns that are not a project's fields: its years and status on `today`."""
    return {
        "start_year": ExtractYear("period_start"),
        "end_year": ExtractYear("period_end"),
        "period_status": period_status(today),
    }


def grouped(projects, names, today, *also):
    """The projects counted by the columns of the facets `names` (and the fields `also`)."""
    wanted = [column for name in names for column in FACETS[name].columns]
    expressions = {name: value for name, value in columns(today).items() if name in wanted}
    fields = [column for column in wanted if column not in expressions]
    return projects.order_by().values(*fields, *also, **expressions).annotate(n=Count("*"))


def tally(name, rows):
    """{choice: count} of one facet, from rows grouped by its columns."""
    facet = FACETS.get(name, Facet(("theme",), None, one))
    counts = {}
    for row in rows:
        for key in facet.keys(*(row[column] for column in facet.columns)):
            counts[key] = counts.get(key, 0) + row["n"]
    return counts


def cell_reference(model, **options):
    # No database constraint: the cells are remade, and a deleted theme must not wait for them.
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **options
    )


class FacetCell(models.Model):
    """How many published projects share every facet's columns (and a theme, or none)."""

    DERIVED = True  # not content: saving it is no change to the data (regions.apps)

    region = cell_reference("regions.Region")
    programme = cell_reference("projects.Programme")
    theme = cell_reference("projects.Theme", null=True)
    start_year = models.SmallIntegerField(null=True)
    end_year = models.SmallIntegerField(null=True)
    period_status = models.CharField(max_length=20, blank=True)
    projects = models.PositiveIntegerField()

    class Meta:
        app_label = "projects"
        verbose_name = "facettcell"
        verbose_name_plural = "facettceller"
        indexes = [models.Index(fields=["theme", "region"], name="facet_cell_theme_region")]

    def __str__(self):
        return f"{self.projects} projekt"


class FacetCellsMade(models.Model):
    """For which data and day the cells were last made: one row."""

    DERIVED = True

    data_changed_at = models.DateTimeField("för data ändrade")
    as_of = models.DateField("för dagen")

    class Meta:
        app_label = "projects"
        verbose_name = "facettcellernas version"
        verbose_name_plural = "facettcellernas versioner"

    def __str__(self):
        return f"{self.data_changed_at.isoformat()}, {self.as_of.isoformat()}"


# Held while the cells are made, so that two requests never make them at once.
LOCK = 0x46414345  # "FACE"


def current_cells(today):
    """The current cells, made first if need be; None while another request makes them, or the
    replica has yet to receive them."""
    read_from = router.db_for_read(FacetCell)
    if made_for(read_from) == (data_changed_at(), today):
        return FacetCell.objects.using(read_from)
    write_to = router.db_for_write(FacetCell)
    if not make(write_to, today) or read_from != write_to:
        return None
    return FacetCell.objects.using(write_to)


def made_for(using):
    made = FacetCellsMade.objects.using(using).first()
    return (made.data_changed_at, made.as_of) if made else None


def make(using, today):
    """Make the cells in `using` unless they are current; False if another request is at it."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        if not cursor.fetchone()[0]:
            return False
        # The version first: a change saved meanwhile never leaves stale cells a current stamp.
        changed_at = DataVersion.current(using)
        if made_for(using) == (changed_at, today):
            return True
        FacetCell.objects.using(using).delete()
        insert_cells(using, cells(using, today))
        FacetCellsMade.objects.using(using).update_or_create(
            pk=1, defaults={"data_changed_at": changed_at, "as_of": today}
        )
    return True


def cells(using, today):
    """(*COLUMNS, theme, projects) for each cell: without a theme, and under each theme."""
    from projects.models import Project  # which imports this module's models

    published = Project.objects.using(using).published()
    every = grouped(published, FACETS, today)
    by_theme = grouped(published.filter(themes__isnull=False), FACETS, today, "themes")
    for rows, theme in [(every, None), (by_theme, "themes")]:
        for row in rows:
            yield (*(row[column] for column in COLUMNS), row[theme] if theme else None, row["n"])


def insert_cells(using, rows, batch=5000):
    """Multi-row INSERTs of plain values: bulk_create, preparing a model a row, was far slower."""
    fields = [FacetCell._meta.get_field(name) for name in [*COLUMNS, "theme", "projects"]]
    columns = ", ".join(connections[using].ops.quote_name(field.column) for field in fields)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = list(rows)
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FacetCell._meta.db_table} ({columns}) VALUES "
                + ", ".join([row_placeholder] * len(chunk)),
                [value for row in chunk for value in row],
            )


COLUMNS = [column for facet in FACETS.values() for column in facet.columns]
