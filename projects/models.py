from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format

from asf_portal.caching import until_data_changes
from projects.lookups import IdArray  # and the __any lookup that the search uses
from regions.models import Region, Source, Versioned, plain_text, track_history
from regions.roles import viewable_region_ids

SWEDISH = settings.SWEDISH_COLLATION
SEARCH_CONFIG = settings.SEARCH_CONFIG

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{4,28}[0-9]$",
    "Ange telefonnumret med siffror, gärna med riktnummer, t.ex. 010-103 65 31.",
)


class Programme(models.Model):
    """The funder or programme a project was financed through."""

    name = models.CharField("namn", max_length=300, unique=True, db_collation=SWEDISH)
    slug = models.SlugField("permanent adress", max_length=100, unique=True)
    funder = models.CharField("finansiär", max_length=200, blank=True, db_collation=SWEDISH)
    description = models.TextField("beskrivning", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # A programme's page is the project list filtered to it.
        return f"{reverse('projects:list')}?programme={self.slug}"


class Theme(models.Model):
    """A term of the portal's small controlled vocabulary for filtering projects."""

    name = models.CharField("namn", max_length=100, unique=True, db_collation=SWEDISH)
    slug = models.SlugField("permanent adress", max_length=100, unique=True)
    description = models.TextField("beskrivning", blank=True)

    class Meta:
        verbose_name = "tema"
        verbose_name_plural = "teman"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """An organisation that takes part in projects (Coompanion, SofiJ, Arbetsförmedlingen …)."""

    name = models.CharField("namn", max_length=200, unique=True, db_collation=SWEDISH)
    slug = models.SlugField("permanent adress", max_length=100, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Project.Status.PUBLISHED)

    def visible_to(self, user):
        """Published projects, and the drafts an editor or reader may preview: those of the
        regions they have a role in."""
        if not (user.is_authenticated and user.has_perm("projects.view_project")):
            return self.published()
        region_ids = viewable_region_ids(user)
        previewable = Q() if region_ids is None else Q(region__in=region_ids)
        return self.filter(Q(status=Project.Status.PUBLISHED) | previewable)

    def for_region(self, region):
        return self.filter(region=region)

    def for_listing(self):
        """What a list shows: region, programme and themes, in a fixed number of queries.

        Only the columns a list or feed shows: not the long texts and the search vector, which
        a search would otherwise carry through its ranking for every match.
        """
        return (
            self.select_related("region", "programme")
            .prefetch_related("themes")
            .only(*Project.LISTED_FIELDS)
        )

    def with_edit_dates(self):
        """Each project's `edited_at`, when a person last changed it in the portal (None while
        it is as loaded from the published texts), and `first_published_at`, when the portal
        first published it (None for projects made without history, such as generated ones).

        Not `updated_at`: that is when the row was last written, and loading the published
        texts writes the fixture's own time, which nobody entered.
        """
        first_published = (
            Project.history.filter(id=OuterRef("pk"), status=Project.Status.PUBLISHED)
            .order_by("history_date")
            .values("history_date")[:1]
        )
        last_edit = (
            person_edits()
            .filter(id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        return self.annotate(
            edited_at=Subquery(last_edit), first_published_at=Subquery(first_published)
        )

    def with_details(self):
        """Everything a project's page shows, in a fixed number of queries."""
        return (
            self.with_edit_dates()
            .select_related("region__county", "programme", "source")
            .prefetch_related(
                "themes",
                models.Prefetch(
                    "goals", queryset=Goal.objects.select_related("source", "report_source")
                ),
                models.Prefetch(
                    "partnerships",
                    queryset=Partnership.objects.select_related("organisation", "source"),
                ),
                models.Prefetch("contacts", queryset=Contact.objects.select_related("source")),
            )
        )

    def ranked_by(self, text, hits=None):
        """Best matches first; `hits`, the search_hits(text) already at hand, if any."""
        hits = hits or search_hits(text)
        query = swedish_query(text)
        best_goal = (
            Goal.objects.filter(project=OuterRef("pk"), search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank")
            .values("rank")[:1]
        )
        # The best goal is looked for only in the projects found by a goal: a common word
        # matches tens of thousands of projects, and a third of them by a goal.
        goal_rank = Case(
            When(pk__any=hits.found_by_goal, then=Coalesce(Subquery(best_goal), 0.0)),
            default=0.0,
        )
        rank = SearchRank(F("search_vector"), query) + goal_rank
        return self.annotate(rank=rank).order_by("-rank", "title", "pk")

    def search(self, text):
        """Swedish full-text search, best matches first: projects whose texts or goals match,
        inflected forms matching each other."""
        hits = search_hits(text)
        return self.filter(pk__any=hits.ids).ranked_by(text, hits)

    def recently_changed(self):
        return self.order_by("-updated_at", "pk")


@dataclass(frozen=True)
class SearchHits:
    ids: IdArray  # every project whose texts or goals match
    found_by_goal: IdArray  # those with a matching goal

    @classmethod
    def of(cls, hits):
        """From the (project id, found by a goal) rows of project_hits(): the arrays written by
        PostgreSQL, as the literals the queries take, with no Python work for each of tens of
        thousands of ids."""
        sql, params = hits.query.get_compiler(using=hits.db).as_sql()
        with connections[hits.db].cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(array_agg(DISTINCT id)::text, '{}'), "
                "COALESCE((array_agg(DISTINCT id) FILTER (WHERE by_goal))::text, '{}') "
                f"FROM ({sql}) AS hits (id, by_goal)",
                params,
            )
            ids, found_by_goal = cursor.fetchone()
        return cls(IdArray(ids), IdArray(found_by_goal))


def search_hits(text):
    """The projects that match the search, kept until the data changes.

    Searched once and then given to every query as arrays of ids: a common word matches
    tens of thousands of projects, and the list's counts would otherwise search again for each.
    """
    return until_data_changes("search-hits", [text], lambda: SearchHits.of(project_hits(text)))


def project_hits(text):
    """(project id, found by a goal) for each match, in one UNION of two GIN index scans, so
    neither table is read whole."""
    query = swedish_query(text)
    in_texts = Project.objects.filter(search_vector=query).values_list("pk", Value(False))
    in_goals = Goal.objects.filter(search_vector=query).values_list("project_id", Value(True))
    return in_texts.order_by().union(in_goals.order_by())


def swedish_query(text):
    # websearch syntax: words are ANDed, "quoted phrases" and -exclusions work, and no input
    # can make PostgreSQL raise a syntax error.
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


# A day's text as date_format() gives it, kept: the portal speaks Swedish only
# (settings.LANGUAGES), so a day always reads the same, and date_format() took a tenth of a
# list page's time. Days are few: a decade of them is a few thousand.
swedish_date = lru_cache(maxsize=2**15)(date_format)


def format_period(start, end, precision):
    """The period as the source gives it: "2017–2018", never a day nobody published."""
    fmt = {"year": "Y", "month": "F Y"}.get(precision, "j F Y")
    if start is None and end is None:
        return ""
    if start is None:
        return f"till {swedish_date(end, fmt)}"
    if end is None:
        return f"från {swedish_date(start, fmt)}"
    first, last = swedish_date(start, fmt), swedish_date(end, fmt)
    return first if first == last else f"{first}–{last}"


class Project(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        PUBLISHED = "published", "Publicerad"

    class Precision(models.TextChoices):
        # The sources mostly give years only; the precision keeps us from
        # showing a day nobody published.
        YEAR = "year", "År"
        MONTH = "month", "Månad"
        DAY = "day", "Dag"

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name="region"
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="finansiär/program",
    )
    title = models.CharField("titel", max_length=300, db_collation=SWEDISH)
    title_is_editorial = models.BooleanField(
        "redaktionell titel",
        default=False,
        help_text="Källan ger ingen titel; titeln är portalens beskrivning av projektet.",
    )
    slug = models.SlugField(
        "permanent adress",
        max_length=120,
        unique=True,
        help_text="Del av sidans permanenta adress: /projekt/<adress>/. Ändra den inte.",
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    lead = plain_text("ingress", blank=True)
    purpose = plain_text("syfte", blank=True)
    target_group = plain_text("målgrupp", blank=True)
    background = plain_text("bakgrund", blank=True)
    activities = plain_text("aktiviteter", blank=True)
    expected_effects = plain_text("förväntade effekter", blank=True)
    results = plain_text("resultat", blank=True)
    implementation = plain_text(
        "genomförande och uppföljning",
        blank=True,
        help_text="Styrning, uppföljning, jämställdhet och hållbarhet.",
    )
    period_start = models.DateField("start", null=True, blank=True)
    period_end = models.DateField("slut", null=True, blank=True)
    period_precision = models.CharField(
        "periodens precision",
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="Hur exakt källan anger perioden.",
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="projects", verbose_name="teman"
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="Partnership",
        blank=True,
        related_name="projects",
        verbose_name="samverkanspartner",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="projects", verbose_name="källa"
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    updated_at = models.DateTimeField("senast ändrad", auto_now=True)
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("lead", "purpose", weight="B", config=SEARCH_CONFIG)
            + SearchVector(
                "target_group",
                "background",
                "activities",
                "expected_effects",
                "results",
                "implementation",
                weight="C",
                config=SEARCH_CONFIG,
            )
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ProjectQuerySet.as_manager()
    history = track_history(excluded_fields=["search_vector"], m2m_fields=[themes])

    class Meta:
        verbose_name = "projekt"
        verbose_name_plural = "projekt"
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="project_search_gin"),
            # The filters' columns, and the id the counts and the theme filter need: the
            # facet counts read this index alone (an index-only scan), never the wide rows.
            models.Index(
                fields=["status", "region", "programme", "period_start", "period_end"],
                include=["id"],
                name="project_facets",
            ),
            models.Index(fields=["period_start", "period_end"], name="project_period"),
            models.Index(fields=["period_end"], name="project_period_end"),
            # The list's default order, and "recently changed" for the start page and feeds.
            # With the id: the list's order (title, pk) read from the index alone; with the
            # filters' columns too: a filtered list's page is found in the index, not the rows.
            models.Index(
                fields=["status", "title", "id"],
                include=["region", "programme", "period_start", "period_end"],
                name="project_title_filters",
            ),
            models.Index(fields=["status", "-updated_at"], name="project_status_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="project_period_ends_after_start",
                violation_error_message="Perioden kan inte sluta före den börjar.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.slug])

    # What a list or a feed shows of a project (ProjectQuerySet.for_listing).
    LISTED_FIELDS = (
        "title",
        "slug",
        "lead",
        "period_start",
        "period_end",
        "period_precision",
        "created_at",
        "updated_at",
        "region__slug",
        "region__short_name",
        "programme__name",
    )

    DESCRIPTION_FIELDS = (
        "lead",
        "purpose",
        "target_group",
        "background",
        "activities",
        "expected_effects",
        "results",
        "implementation",
    )

    @property
    def period_label(self):
        return format_period(self.period_start, self.period_end, self.period_precision)

    @property
    def has_description(self):
        return any(getattr(self, name) for name in self.DESCRIPTION_FIELDS)

    def described_sections(self):
        """(heading, text) for each published description field after the lead, in page order."""
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in self.DESCRIPTION_FIELDS[1:]
            if getattr(self, name)
        ]

    def edited_at_as_of(self, moment):
        """When a person last changed the project up to `moment` (None: not since it was
        loaded from the published texts)."""
        edits = person_edits().filter(id=self.pk, history_date__lte=moment)
        return edits.aggregate(at=models.Max("history_date"))["at"]

    def cited_sources(self):
        """The sources of what the project's page shows, once each; reads prefetched data."""
        records = [self, *self.goals.all(), *self.partnerships.all(), *self.contacts.all()]
        return list(dict.fromkeys(record.source for record in records))


def person_edits():
    """The projects' history entries that a person made: saved by a signed-in user in the
    admin, as no load of the published texts (load_published_data)
    or generated data is."""
    return Project.history.filter(history_user__isnull=False)


class Partnership(Versioned):
    """An organisation's part in a project, in the words of the source."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partnerships", verbose_name="projekt"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="organisation",
    )
    role = plain_text("roll i projektet", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history()

    class Meta:
        verbose_name = "samverkanspartner"
        verbose_name_plural = "samverkanspartner"
        ordering = ["project", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="partnership_unique_per_project",
                violation_error_message="Organisationen finns redan med i projektet.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} i {self.project}"


class Goal(Versioned):
    class Kind(models.TextChoices):
        OVERALL = "overall", "Övergripande mål"
        RESULT = "result", "Resultatmål"

    class Status(models.TextChoices):
        # Nothing published about the goal's follow-up is not the same as "planned".
        NOT_REPORTED = "not_reported", "Ingen uppföljning publicerad"
        PLANNED = "planned", "Planerat"
        ONGOING = "ongoing", "Pågående"
        ACHIEVED = "achieved", "Uppnått"
        NOT_ACHIEVED = "not_achieved", "Inte uppnått"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="goals", verbose_name="projekt"
    )
    kind = models.CharField("typ", max_length=20, choices=Kind.choices)
    text = plain_text("mål")
    target_value = models.DecimalField(
        "målvärde", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(
        "enhet", max_length=200, blank=True, help_text="Till exempel ”nya affärsrelationer”."
    )
    outcome_value = models.DecimalField(
        "utfall",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Rapporterat utfall, i samma enhet som målvärdet.",
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    reported_on = models.DateField(
        "uppföljning rapporterad",
        null=True,
        blank=True,
        help_text="Dagen då utfallet eller statusen rapporterades.",
    )
    report_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="källa för uppföljningen",
    )
    position = models.PositiveSmallIntegerField("ordning", default=0)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history(excluded_fields=["search_vector"])
    # Searched together with the project's own texts (ProjectQuerySet.matching).
    search_vector = models.GeneratedField(
        expression=SearchVector("text", "target_unit", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "mål"
        verbose_name_plural = "mål"
        ordering = ["project", "position", "id"]
        indexes = [GinIndex(fields=["search_vector"], name="goal_search_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="goal_target_not_negative",
                violation_error_message="Målvärdet kan inte vara negativt.",
            ),
            models.CheckConstraint(
                condition=Q(outcome_value__isnull=True) | Q(outcome_value__gte=0),
                name="goal_outcome_not_negative",
                violation_error_message="Utfallet kan inte vara negativt.",
            ),
            models.CheckConstraint(
                # A reported follow-up says when and where it was reported.
                condition=(
                    Q(outcome_value__isnull=True) & Q(status__in=["not_reported", "planned"])
                )
                | (Q(reported_on__isnull=False) & Q(report_source__isnull=False)),
                name="goal_follow_up_has_date_and_source",
                violation_error_message=(
                    "Ett rapporterat utfall eller en status behöver datum och källa för rapporten."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | ~Q(target_unit=""),
                name="goal_target_has_unit",
                violation_error_message="Ett målvärde behöver en enhet, t.ex. ”nya avtal”.",
            ),
        ]

    def __str__(self):
        return self.text


class Contact(Versioned):
    """A named person to contact about a region or a project, as published."""

    name = models.CharField("namn", max_length=200, db_collation=SWEDISH)
    role = models.CharField("roll", max_length=200, blank=True)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    phone = models.CharField("telefon", max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField("e-post", blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="region",
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name="projekt",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history()

    class Meta:
        verbose_name = "kontaktperson"
        verbose_name_plural = "kontaktpersoner"
        # Then the order they were added in: two people may share a name, and a page or a
        # file should list them the same way each time.
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False) & Q(project__isnull=True))
                | (Q(region__isnull=True) & Q(project__isnull=False)),
                name="contact_for_region_or_project",
                violation_error_message=(
                    "En kontaktperson hör till antingen en region eller ett projekt."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class Definition(models.Model):
    """A definition the portal quotes, such as Tillväxtverket's definition of an ASF."""

    term = models.CharField("begrepp", max_length=200, unique=True, db_collation=SWEDISH)
    slug = models.SlugField("permanent adress", max_length=100, unique=True)
    defined_by = models.CharField("definierat av", max_length=200)
    text = models.TextField("definition")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")

    class Meta:
        verbose_name = "definition"
        verbose_name_plural = "definitioner"
        ordering = ["term"]

    def __str__(self):
        return self.term


# Counts kept for the project list ---------------------------------------------------------------


def cell_reference(model, **options):
    # No database constraint and no reverse accessor: the cells are made again from the
    # projects, and a deleted theme must not wait for them.
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **options
    )


class FacetCell(models.Model):
    """How many published projects share a region, a programme, a first and a last year and
    a status on the day the cells were made, either all of them (theme empty) or those with
    one theme.

    The list's counts are sums over these rows: at 100 000 projects about 50 000 of them, of
    which a count reads a few thousand. Made again from the projects whenever the data or the
    date changes (projects/facet_cells.py); never edited, never published.
    """

    DERIVED = True  # not content: saving it is no change to the data (regions.apps)

    region = cell_reference(Region)
    programme = cell_reference(Programme)
    theme = cell_reference(Theme, null=True)
    start_year = models.SmallIntegerField(null=True)
    end_year = models.SmallIntegerField(null=True)
    period_status = models.CharField(max_length=20, blank=True)  # see projects/periods.py
    projects = models.PositiveIntegerField()

    class Meta:
        verbose_name = "facettcell"
        verbose_name_plural = "facettceller"
        indexes = [models.Index(fields=["theme", "region"], name="facet_cell_theme_region")]

    def __str__(self):
        return f"{self.projects} projekt"


class FacetCellsMade(models.Model):
    """For which data and which day the facet cells were last made: one row."""

    DERIVED = True

    data_changed_at = models.DateTimeField("för data ändrade")
    as_of = models.DateField("för dagen")

    class Meta:
        verbose_name = "facettcellernas version"
        verbose_name_plural = "facettcellernas versioner"

    def __str__(self):
        return f"{self.data_changed_at.isoformat()}, {self.as_of.isoformat()}"
