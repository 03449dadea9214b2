"""A project's partners, goals and contacts (a region's too), as the sources publish them."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from regions.models import Region, Source, Versioned, plain_text, track_history

SWEDISH = settings.SWEDISH_COLLATION
SEARCH_CONFIG = settings.SEARCH_CONFIG


def search_vector_of(expression):
    """A search vector that PostgreSQL keeps up to date from `expression` (a SearchVector)."""
    vector = SearchVectorField()
    return models.GeneratedField(expression=expression, output_field=vector, db_persist=True)


def one_of_two_owners(model, **options):
    """A link to one of a record's two possible owners: a constraint requires exactly one."""
    return models.ForeignKey(model, on_delete=models.CASCADE, null=True, blank=True, **options)


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{4,28}[0-9]$",
    "Ange telefonnumret med siffror, gärna med riktnummer, t.ex. 010-103 65 31.",
)


class Partnership(Versioned):
    """An organisation's part in a project, in the words of the source."""

    class Kind(models.TextChoices):
        # Only what the source says: an organisation it merely names is no partner.
        PARTNER = "partner", "Samverkanspartner"
        RAN = "ran", "Drev projektet"
        TOOK_PART = "took_part", "Deltog i projektet"
        FUNDER = "funder", "Finansiär"
        MENTIONED = "mentioned", "Nämns i källan"

    project = models.ForeignKey(
        "Project", on_delete=models.CASCADE, related_name="partnerships", verbose_name="projekt"
    )
    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name="organisation",
    )
    kind = models.CharField(
        "roll", max_length=20, choices=Kind.choices, help_text="Den roll källan ger organisationen."
    )
    role = plain_text("källans ord", blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history(excluded_fields=["search_vector"])
    # The role's words; the organisation's name is matched in its own table (projects/search.py).
    search_vector = search_vector_of(SearchVector("role", config=SEARCH_CONFIG))

    class Meta:
        verbose_name = "samverkanspartner"
        verbose_name_plural = "samverkanspartner"
        ordering = ["project", "organisation__name"]
        indexes = [GinIndex(fields=["search_vector"], name="partnership_search_gin")]
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
        GOAL = "goal", "Mål"  # the source does not say which kind

    class Status(models.TextChoices):
        # Nothing published about the goal's follow-up is not the same as "planned".
        NOT_REPORTED = "not_reported", "Ingen uppföljning publicerad"
        PLANNED = "planned", "Planerat"
        ONGOING = "ongoing", "Pågående"
        ACHIEVED = "achieved", "Uppnått"
        NOT_ACHIEVED = "not_achieved", "Inte uppnått"

    project = models.ForeignKey(
        "Project", on_delete=models.CASCADE, related_name="goals", verbose_name="projekt"
    )
    kind = models.CharField("typ", max_length=20, choices=Kind.choices)
    text = plain_text("mål")
    target_value = models.DecimalField(
        "målvärde", max_digits=12, decimal_places=2, null=True, blank=True
    )
    at_least = models.BooleanField(
        "minst", default=False, help_text="Källan anger målvärdet som ”minst”."
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
    # Searched together with the project's own texts (projects/search.py).
    search_vector = search_vector_of(
        SearchVector("text", "target_unit", weight="B", config=SEARCH_CONFIG)
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
    region = one_of_two_owners(Region, related_name="contacts", verbose_name="region")
    project = one_of_two_owners("Project", related_name="contacts", verbose_name="projekt")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    history = track_history(excluded_fields=["search_vector"])
    # What the pages publish of the person; never the e-mail address, which no page shows.
    search_vector = search_vector_of(
        SearchVector("name", "role", "organisation", config=SEARCH_CONFIG)
    )

    class Meta:
        verbose_name = "kontaktperson"
        verbose_name_plural = "kontaktpersoner"
        # Two people may share a name: pages and files list them the same way each time.
        ordering = ["name", "id"]
        indexes = [GinIndex(fields=["search_vector"], name="contact_search_gin")]
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
