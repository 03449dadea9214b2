"""The facet cells (projects.models.FacetCell), made from the published projects, and made
again on first use once the data or the date has changed.

Made on first use rather than on each save: one request after a change pays for it (about
0.6 s at 100 000 projects), however many saves the change took, and the date's turn, which
changes which projects are "pågående", needs no scheduled job.
"""

from django.db import connections, router, transaction
from django.db.models import BigIntegerField, Count, F, Value
from django.db.models.functions import Cast, ExtractYear

from asf_portal.caching import data_changed_at
from projects.models import FacetCell, FacetCellsMade, Project
from projects.periods import period_status
from regions.models import DataVersion

# Held while the cells are made, so that two requests never make them at once.
LOCK = 0x46414345  # "FACE"


def current_cells(today):
    """The cells for the data as it is and for `today`, made first if need be; None when they
    cannot be had now (another request is making them, or they were made on the primary and
    the replica the list reads from has yet to receive them)."""
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
        # The data version first: a change saved while the cells are made then only makes
        # them again on the next request, never leaves them stale under a current stamp.
        changed_at = DataVersion.current(using)
        if made_for(using) == (changed_at, today):
            return True
        FacetCell.objects.using(using).delete()
        for rows in cell_rows(today):
            insert(cursor, using, rows)
        FacetCellsMade.objects.using(using).update_or_create(
            pk=1, defaults={"data_changed_at": changed_at, "as_of": today}
        )
    return True


# The columns of FacetCell, and what each is made of in a query of the projects.
CELL_COLUMNS = {
    "region": F("region"),
    "programme": F("programme"),
    "start_year": ExtractYear("period_start"),
    "end_year": ExtractYear("period_end"),
}


def cell_rows(today):
    """Two grouped queries: every published project, and each of its themes."""
    published = Project.objects.published().order_by()
    columns = {**CELL_COLUMNS, "period_status": period_status(today)}
    no_theme = Cast(Value(None), BigIntegerField())
    return [
        published.values(**cell_names(columns, theme=no_theme)).annotate(cell_projects=Count("*")),
        published.filter(themes__isnull=False)
        .values(**cell_names(columns, theme=F("themes")))
        .annotate(cell_projects=Count("*")),
    ]


def cell_names(columns, theme):
    # Names of their own: a values() name may not be a field's.
    return {f"cell_{name}": value for name, value in {**columns, "theme": theme}.items()}


def insert(cursor, using, rows):
    sql, params = rows.query.get_compiler(using=using).as_sql()
    names = [*CELL_COLUMNS, "period_status", "theme", "projects"]
    columns = ", ".join(FacetCell._meta.get_field(name).column for name in names)
    selected = ", ".join(f"cell_{name}" for name in names)
    table = FacetCell._meta.db_table
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {selected} FROM ({sql}) AS counted", params
    )
