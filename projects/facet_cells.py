"""The facet cells: the published projects counted in advance by every counted filter's columns,
which the list's counts sum (ProjectFilter.counts). `FacetCell.objects.current(today)` makes
them again on first use after the data or the date changes: one request pays, however many
saves, and no scheduled job is needed.
"""

from django.db import connections, models, router, transaction
from django.db.models import Sum

from asf_portal.caching import data_changed_at
from regions.models import DataVersion

# Held while the cells are made, so that two requests never make them at once.
LOCK = 0x46414345  # "FACE"


def cell_reference(model, **options):
    # No database constraint: the cells are remade, and a deleted theme must not wait for them.
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **options
    )


class FacetCellQuerySet(models.QuerySet):
    def current(self, today):
        """The cells of the current data on `today`, made first if need be; None while another
        request makes them, or the replica has yet to receive them."""
        read_from = router.db_for_read(FacetCell)
        if made_for(read_from) == (data_changed_at(), today):
            return self.using(read_from)
        write_to = router.db_for_write(FacetCell)
        if not make(write_to, today) or read_from != write_to:
            return None
        return self.using(write_to)

    def counted_by(self, columns):
        return self.order_by().values(*columns).annotate(n=Sum("projects"))


class FacetCell(models.Model):
    """How many published projects share every facet's columns (and a theme, or none)."""

    DERIVED = True  # not content: saving it is no change to the data (regions.apps)
    # A project's columns the cells count by (ProjectQuerySet.counted_by), besides its themes.
    COLUMNS = ["region", "programme", "start_year", "end_year", "period_status"]

    region = cell_reference("regions.Region")
    programme = cell_reference("projects.Programme")
    theme = cell_reference("projects.Theme", null=True)
    start_year = models.SmallIntegerField(null=True)
    end_year = models.SmallIntegerField(null=True)
    period_status = models.CharField(max_length=20, blank=True)
    projects = models.PositiveIntegerField()

    objects = FacetCellQuerySet.as_manager()

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


def made_for(using):
    made = FacetCellsMade.objects.using(using).first()
    return (made.data_changed_at, made.as_of) if made else None


def make(using, today):
    """Make the cells in `using` unless they are current; False if another request is at it."""
    from projects.models import Project  # which imports this module's models

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        if not cursor.fetchone()[0]:
            return False
        # The version first: a change saved meanwhile never leaves stale cells a current stamp.
        changed_at = DataVersion.current(using)
        if made_for(using) == (changed_at, today):
            return True
        FacetCell.objects.using(using).delete()
        published = Project.objects.using(using).published()
        insert_cells(using, published.counted_by(FacetCell.COLUMNS, today))
        tagged = published.filter(themes__isnull=False)
        insert_cells(using, tagged.counted_by([*FacetCell.COLUMNS, "themes"], today))
        FacetCellsMade.objects.using(using).update_or_create(
            pk=1, defaults={"data_changed_at": changed_at, "as_of": today}
        )
    return True


def insert_cells(using, counted):
    """The cells `counted` (ProjectQuerySet.counted_by) in one INSERT … SELECT: the counts never
    leave the database. Its columns are named as selected, in order (Query.selected)."""
    cell_field = {"themes": "theme", "n": "projects"}
    fields = [
        FacetCell._meta.get_field(cell_field.get(name, name)) for name in counted.query.selected
    ]
    columns = ", ".join(connections[using].ops.quote_name(field.column) for field in fields)
    select, params = counted.query.get_compiler(using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {FacetCell._meta.db_table} ({columns}) {select}", params)
