from urllib.parse import unquote

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

SWEDISH = settings.SWEDISH_COLLATION
MARKUP = RegexValidator(
    r"<\s*/?\s*[A-Za-z!?]",
    "Texten innehåller HTML-kod (till exempel ”<script>”). Skriv vanlig text: stycken skiljs "
    "med en tom rad och rader som börjar med ”- ” blir en punktlista.",
    inverse_match=True,
)


def plain_text(verbose_name, **options):
    """A text field for what readers see: plain text only, never markup meant to run."""
    return models.TextField(verbose_name, validators=[MARKUP], **options)


class Versioned(models.Model):
    """A record editors change: its version counts saves, so a stale form can be refused,
    and its history keeps who changed what, when."""

    version = models.PositiveIntegerField("version", default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        super().save(*args, **kwargs)


def track_history(**options):
    return HistoricalRecords(inherit=False, **options)


class Source(models.Model):
    """A published text that records were taken from, kept whole so every fact can be traced."""

    slug = models.SlugField("kortnamn", max_length=100, unique=True)
    title = models.CharField(
        "titel", max_length=300, blank=True, db_collation=SWEDISH, help_text="Tom: inte antecknad."
    )
    publisher = models.CharField("utgivare", max_length=200, db_collation=SWEDISH)
    url = models.URLField(
        "webbadress", blank=True, help_text="Lämnas tom om sidans adress inte sparades."
    )
    retrieved_year = models.PositiveSmallIntegerField("hämtad år")
    retrieved_on = models.DateField(
        "hämtad datum", null=True, blank=True, help_text="Fylls i när dagen är känd."
    )
    filename = models.CharField(
        "fil", max_length=200, blank=True, help_text="Filen i fixtures/sources/ med originaltexten."
    )
    page_date = models.CharField(
        "sidans datum", max_length=200, blank=True, help_text="Som sidan visar det; tom: syns inte."
    )
    text = models.TextField(
        "originaltext",
        blank=True,
        help_text="Texten som den publicerades; tom om den inte sparades.",
    )

    class Meta:
        verbose_name = "källa"
        verbose_name_plural = "källor"
        ordering = ["publisher", "title"]  # Swedish order: the columns use the sv collation
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retrieved_year__gte=1990),
                name="source_retrieved_year_plausible",
                violation_error_message="Året då källan hämtades måste vara 1990 eller senare.",
            ),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title or self.url}"

    @property
    def name(self):
        """The title, or for a page whose title nobody noted, its address without the scheme."""
        return self.title or unquote(self.url.split("://")[-1].rstrip("/"))

    @property
    def kind(self):
        """Quoted from a text kept whole, or summarised from a page read but not kept."""
        return "quote" if self.text else "summary"

    @property
    def page_date_shown(self):
        return shown_page_date(self.page_date)


def shown_page_date(page_date):
    """The page's date, or "" where the page shows none (the reference notes "ej synligt …");
    for the pages and the exports alike."""
    return "" if page_date.startswith("ej synligt") else page_date


class County(models.Model):
    """One of Sweden's 21 counties (län) with the code Statistics Sweden assigns it."""

    code = models.CharField(
        "länskod",
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", "Länskoden består av två siffror, t.ex. 05.")],
    )
    name = models.CharField("län", max_length=100, unique=True, db_collation=SWEDISH)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")

    class Meta:
        verbose_name = "län"
        verbose_name_plural = "län"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}$"),
                name="county_code_two_digits",
                violation_error_message="Länskoden består av två siffror, t.ex. 05.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class RegionQuerySet(models.QuerySet):
    def funded(self):
        return self.filter(funded_2017_2018=True)

    def with_details(self):
        """Everything a region's page shows, in a fixed number of queries."""
        # Contacts are the projects app's, which builds on this one: reached through their
        # relation to the region rather than imported.
        contacts = Region.contacts.rel.related_model
        return self.select_related(
            "county", "source", "description_source", "action_plan__source"
        ).prefetch_related(
            models.Prefetch(
                "action_plan__priorities", queryset=Priority.objects.select_related("source")
            ),
            models.Prefetch("figures", queryset=RegionFigure.objects.select_related("source")),
            models.Prefetch("contacts", queryset=contacts.objects.select_related("source")),
        )


class Region(Versioned):
    """A regional body that Tillväxtverket funds (or may fund) to strengthen ASF."""

    name = models.CharField(
        "officiellt namn",
        max_length=200,
        unique=True,
        db_collation=SWEDISH,
        help_text="Till exempel ”Regionförbundet i Kalmar län”.",
    )
    short_name = models.CharField(
        "kortnamn",
        max_length=100,
        unique=True,
        db_collation=SWEDISH,
        help_text="Visas och sorteras på, till exempel ”Kalmar län”.",
    )
    slug = models.SlugField(
        "permanent adress",
        max_length=100,
        unique=True,
        help_text="Del av sidans permanenta adress: /regioner/<adress>/. Ändra den inte.",
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="regions", verbose_name="län"
    )
    funded_2017_2018 = models.BooleanField(
        "finansierad 2017–2018",
        default=False,
        help_text="Beviljad finansiering från Tillväxtverket för projekt 2017–2018.",
    )
    description = models.TextField(
        "beskrivning",
        blank=True,
        help_text="Vad regionen själv har publicerat om ASF i länet. Lämnas tom om inget finns.",
    )
    description_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="källa för beskrivningen",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="regions", verbose_name="källa"
    )
    updated_at = models.DateTimeField("senast ändrad", auto_now=True)

    objects = RegionQuerySet.as_manager()
    history = track_history()

    class Meta:
        verbose_name = "region"
        verbose_name_plural = "regioner"
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(description="") | models.Q(description_source__isnull=False),
                name="region_description_has_source",
                violation_error_message="En beskrivning måste ha en källa.",
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.slug])

    def cited_sources(self, projects):
        """The sources of everything the region's page shows (with these of its projects),
        once each, in order of use. Reads what the view prefetched: no queries of its own."""
        records = [self]
        if hasattr(self, "action_plan"):
            records += [self.action_plan, *self.action_plan.priorities.all()]
        records += [*self.figures.all(), *self.contacts.all(), *projects]
        records += [fact for project in projects for fact in project.facts_by_topic]
        sources = [record.source for record in records]
        if self.description_source:
            sources.insert(0, self.description_source)
        return list(dict.fromkeys(sources))


class RegionRole(models.Model):
    """What one user may do with one region's content in the admin: a person can edit one
    region and only read another."""

    class Role(models.TextChoices):
        EDITOR = "editor", "regionredaktör"
        READER = "reader", "regionläsare"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="region_roles",
        verbose_name="användare",
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="roles", verbose_name="region"
    )
    role = models.CharField(
        "roll",
        max_length=10,
        choices=Role,
        default=Role.EDITOR,
        help_text="En regionredaktör ser och ändrar regionens innehåll, en regionläsare ser det "
        "men ändrar inget.",
    )

    class Meta:
        verbose_name = "roll i regionen"
        verbose_name_plural = "roller i regionen"
        ordering = ["region__short_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="region_role_one_per_user_and_region",
                violation_error_message="Användaren har redan en roll i regionen.",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()}, {self.region}"


class ActionPlan(Versioned):
    """A region's handlingsplan from the 2016 förstudie."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="action_plan", verbose_name="region"
    )
    year = models.PositiveSmallIntegerField("år", default=2016)
    summary = plain_text(
        "sammanfattning", blank=True, help_text="Lämnas tom om inget har publicerats."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history()

    class Meta:
        verbose_name = "handlingsplan"
        verbose_name_plural = "handlingsplaner"
        ordering = ["region__short_name"]

    def __str__(self):
        return f"Handlingsplan {self.year}, {self.region}"


class Priority(Versioned):
    """One priority of an action plan, in the order the plan gives."""

    action_plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="priorities",
        verbose_name="handlingsplan",
    )
    text = plain_text("prioritering")
    position = models.PositiveSmallIntegerField("ordning", default=0)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history()

    class Meta:
        verbose_name = "prioritering"
        verbose_name_plural = "prioriteringar"
        ordering = ["action_plan", "position", "id"]

    def __str__(self):
        return self.text


class RegionFigure(Versioned):
    """A figure the published texts give about a region, with the sentence it comes from."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="figures", verbose_name="region"
    )
    value = models.DecimalField("värde", max_digits=12, decimal_places=2)
    unit = models.CharField("enhet", max_length=200, help_text="Till exempel ”kommuner”.")
    is_approximate = models.BooleanField(
        "ungefärligt", default=False, help_text="Källan anger värdet som ungefärligt (”omkring”)."
    )
    statement = plain_text("uppgiften i källan", help_text="Meningen som siffran står i.")
    position = models.PositiveSmallIntegerField("ordning", default=0)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history()

    class Meta:
        verbose_name = "siffra om regionen"
        verbose_name_plural = "siffror om regionen"
        ordering = ["region", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="region_figure_value_not_negative",
                violation_error_message="Värdet kan inte vara negativt.",
            ),
        ]

    def __str__(self):
        return f"{self.region}: {self.value.normalize():f} {self.unit}"


class DataVersion(models.Model):
    """When the portal's data last changed: one row, touched on every save and delete of its
    content, so public pages can carry an ETag and be cached until the data changes."""

    changed_at = models.DateTimeField("senast ändrad")

    class Meta:
        verbose_name = "dataversion"
        verbose_name_plural = "dataversion"

    def __str__(self):
        return self.changed_at.isoformat()

    @classmethod
    def current(cls, using=None):
        """When the data last changed (now, the first time anyone asks)."""
        changed_at = cls.objects.using(using).values_list("changed_at", flat=True).first()
        return changed_at or cls.touch(using)

    @classmethod
    def touch(cls, using=None, **kwargs):
        """Record a change now; as a signal receiver, in the database that changed."""
        now = timezone.now()
        cls.objects.using(using or "default").update_or_create(pk=1, defaults={"changed_at": now})
        return now
