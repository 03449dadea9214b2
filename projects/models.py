from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format

from projects import search
from projects.facet_cells import FacetCell, FacetCellsMade  # noqa: F401 (the app's models)
from projects.facts import Fact, HasFacts, KnownFacts  # noqa: F401 (the app's models)
from projects.parts import Contact, Goal, Partnership, search_vector_of
from projects.periods import period_columns
from regions.models import Region, Source, Versioned, plain_text, track_history
from regions.roles import viewable_region_ids

SWEDISH = settings.SWEDISH_COLLATION
SEARCH_CONFIG = settings.SEARCH_CONFIG


class Programme(HasFacts, models.Model):
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
        """Published projects, and the drafts of the regions the user has a role in."""
        if not (user.is_authenticated and user.has_perm("projects.view_project")):
            return self.published()
        region_ids = viewable_region_ids(user)
        previewable = Q() if region_ids is None else Q(region__in=region_ids)
        return self.filter(Q(status=Project.Status.PUBLISHED) | previewable)

    def for_region(self, region):
        return self.filter(region=region)

    def for_listing(self):
        # Only the columns a list shows: a search would carry the long texts through its ranking.
        return (
            self.select_related("region", "programme")
            .prefetch_related("themes")
            .only(*Project.LISTED_FIELDS)
        )

    def with_edit_dates(self):
        """`edited_at`, when a person last changed the project (None: as loaded), and
        `first_published_at`. Not `updated_at`: loading the texts writes the fixture's time."""
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
                "facts__source",
                "programme__facts__source",
            )
        )

    def search(self, text):
        return self.matching(text).ranked_by(text)

    def matching(self, text):
        # The ids from both GIN indexes in one UNION, so neither table is read whole.
        return self.filter(pk__in=search.matching_ids(text))

    def ranked_by(self, text):
        return self.annotate(rank=search.rank(text)).order_by("-rank", "title", "pk")

    def newest_first(self):
        """As a region's page lists them: the latest period first, with the sources it cites."""
        return (
            self.for_listing()
            .select_related("source")
            .only(*Project.LISTED_FIELDS, "source")
            .order_by(F("period_start").desc(nulls_last=True), "title")
        )

    def recently_changed(self):
        return self.order_by("-updated_at", "pk")

    def counted_by(self, columns, today):
        """How many projects share each value of `columns`: fields, or their period_columns()."""
        computed = period_columns(today)
        fields = [column for column in columns if column not in computed]
        wanted = {name: computed[name] for name in columns if name in computed}
        return self.order_by().values(*fields, **wanted).annotate(n=Count("*"))


def format_period(start, end, precision):
    """The period as the source gives it: "2017–2018", never a day nobody published."""
    fmt = {"year": "Y", "month": "F Y"}.get(precision, "j F Y")
    if start is None and end is None:
        return ""
    if start is None:
        return f"till {date_format(end, fmt)}"
    if end is None:
        return f"från {date_format(start, fmt)}"
    first, last = date_format(start, fmt), date_format(end, fmt)
    return first if first == last else f"{first}–{last}"


class Project(KnownFacts, Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        PUBLISHED = "published", "Publicerad"

    class Precision(models.TextChoices):
        # The sources mostly give years only: never show a day nobody published.
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

    # The texts that describe a project, the lead first, in the order its page shows them.
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
    # The title weighs most in a search, then the lead and the purpose, then the rest.
    search_vector = search_vector_of(
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(*DESCRIPTION_FIELDS[:2], weight="B", config=SEARCH_CONFIG)
        + SearchVector(*DESCRIPTION_FIELDS[2:], weight="C", config=SEARCH_CONFIG)
    )

    objects = ProjectQuerySet.as_manager()
    history = track_history(excluded_fields=["search_vector"], m2m_fields=[themes])

    class Meta:
        verbose_name = "projekt"
        verbose_name_plural = "projekt"
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="project_search_gin"),
            # The facet counts read this index alone (index-only scan), never the wide rows.
            models.Index(
                fields=["status", "region", "programme", "period_start", "period_end"],
                include=["id"],
                name="project_facets",
            ),
            models.Index(fields=["period_start", "period_end"], name="project_period"),
            models.Index(fields=["period_end"], name="project_period_end"),
            # A filtered list's page in its order (title, pk) is found in the index, not the rows.
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

    @property
    def period_label(self):
        return format_period(self.period_start, self.period_end, self.period_precision)

    @property
    def has_description(self):
        return (
            any(getattr(self, name) for name in self.DESCRIPTION_FIELDS) or self.described_by_facts
        )

    def described_sections(self):
        """(heading, text) of each description field after the lead that has a text."""
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in self.DESCRIPTION_FIELDS[1:]
            if getattr(self, name)
        ]

    def edited_at_as_of(self, moment):
        edits = person_edits().filter(id=self.pk, history_date__lte=moment)
        return edits.aggregate(at=models.Max("history_date"))["at"]

    def cited_sources(self):
        records = [self, *self.goals.all(), *self.partnerships.all(), *self.contacts.all()]
        return sources_of([*records, *self.facts_by_topic])


def sources_of(records):
    """The records' sources, once each, in order."""
    return list(dict.fromkeys(record.source for record in records))


def person_edits():
    """History entries saved by a signed-in user, as no load of published or generated data is."""
    return Project.history.filter(history_user__isnull=False)


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
