"""What public pages say about a project or a programme, one fact at a time, each with its page."""

from django.db import models
from django.db.models import Q

from projects.parts import one_of_two_owners
from regions.models import Source, Versioned, plain_text, track_history


class Fact(Versioned):
    class Topic(models.TextChoices):
        # In the order a page shows them.
        NAME = "name", "Namn"
        OWNER = "owner", "Ägare och ledning"
        PARTNERS = "partners", "Samverkanspartner"
        PERIOD = "period", "Period"
        FUNDING = "funding", "Finansiering"
        BACKGROUND = "background", "Utgångsläge och bakgrund"
        PURPOSE = "purpose", "Syfte och inriktning"
        GOALS = "goals", "Mål"
        ACTIVITIES = "activities", "Aktiviteter"
        RESULTS = "results", "Resultat"
        CONTACT = "contact", "Kontakt"
        OTHER = "other", "Övrigt"

    class Kind(models.TextChoices):
        QUOTE = "quote", "citat"
        SUMMARY = "summary", "sammanfattning"

    project = one_of_two_owners("Project", related_name="facts", verbose_name="projekt")
    programme = one_of_two_owners("Programme", related_name="facts", verbose_name="program")
    label = models.CharField("uppgift", max_length=200, help_text="Till exempel ”mål 1”.")
    topic = models.CharField("ämne", max_length=20, choices=Topic.choices)
    text = plain_text("text")
    kind = models.CharField(
        "slag",
        max_length=20,
        choices=Kind.choices,
        default=Kind.SUMMARY,
        help_text="Citat ur källan, ordagrant, eller portalens sammanfattning av vad den säger.",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name="källa")
    position = models.PositiveSmallIntegerField("ordning", default=0)
    history = track_history()

    class Meta:
        verbose_name = "uppgift ur en källa"
        verbose_name_plural = "uppgifter ur källor"
        ordering = ["project", "programme", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, programme__isnull=True)
                | Q(project__isnull=True, programme__isnull=False),
                name="fact_for_project_or_programme",
                violation_error_message=(
                    "En uppgift hör till antingen ett projekt eller ett program."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.text}"


TOPIC_ORDER = {topic: number for number, topic in enumerate(Fact.Topic)}
# What a reader most wants to know about a project, said plainly when no source tells.
UNKNOWN_WHEN_MISSING = {
    Fact.Topic.OWNER: "vem som ägde och ledde projektet",
    Fact.Topic.GOALS: "projektets mål",
    Fact.Topic.RESULTS: "vad projektet ledde till",
    Fact.Topic.CONTACT: "vem du kan kontakta",
}


class HasFacts:
    """For a project or a programme: its facts as a page shows them (reads prefetched `facts`)."""

    @property
    def facts_by_topic(self):
        return sorted(self.facts.all(), key=lambda fact: (TOPIC_ORDER[fact.topic], fact.position))


class KnownFacts(HasFacts):
    """A project's facts, and what they leave unknown."""

    @property
    def described_by_facts(self):
        described = {Fact.Topic.PURPOSE, Fact.Topic.ACTIVITIES, Fact.Topic.RESULTS}
        return any(fact.topic in described for fact in self.facts.all())

    @property
    def not_known(self):
        """What no source the portal has read tells about the project."""
        known = {fact.topic for fact in self.facts.all()}
        known |= {Fact.Topic.GOALS} if self.goals.all() else set()
        known |= {Fact.Topic.CONTACT} if self.contacts.all() else set()
        missing = [text for topic, text in UNKNOWN_WHEN_MISSING.items() if topic not in known]
        return (["projektets titel"] if self.title_is_editorial else []) + missing
