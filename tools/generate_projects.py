"""Synthetic projects for the performance benchmark: `python -m tools.generate_projects 100000`.

Writes N projects with goals, themes, partners and contacts, spread over all 21 counties
(one synthetic region is made for each county the real data has no region in), with Swedish
texts built from Swedish word lists, so full-text search meets a realistic vocabulary. Every
record it writes has the Source "Syntetiska testdata", and running it again first removes
what it wrote before; the real data is left as it is.

It only writes to a database of its own: one whose name ends with "_bench" (or, for the
tests, starts with "test_"). The rows go in by COPY, in batches, from unsaved model instances,
so the models' own defaults apply; PostgreSQL computes the search vectors as it inserts.
No history is recorded for them (bulk loads never are).
"""

import argparse
import io
import os
import queue
import random
import sys
import threading
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import django
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.text import slugify

if not apps.ready:  # run on its own, not from a test or the benchmark
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asf_portal.settings")
    django.setup()

# The models, once Django is set up.
from projects.models import (
    Contact,
    Goal,
    Organisation,
    Partnership,
    Programme,
    Project,
    Theme,
)
from regions.models import County, DataVersion, Region, Source

SOURCE_SLUG = "syntetiska-testdata"
SOURCE_TITLE = "Syntetiska testdata"
SOURCE_PUBLISHER = "ASF-portalen (benchmark)"
SLUG_PREFIX = "syntetisk"
BATCH_SIZE = 5000
ORGANISATION_COUNT = 300
ALLOWED_SUFFIX = "_bench"
TEST_PREFIX = "test_"


class Refused(Exception):
    """The generator will not write to this database, or finds nothing to build on."""


def check_database_name(name):
    """Refuse any database but a benchmark's (or a test run's) own."""
    if not (name.endswith(ALLOWED_SUFFIX) or name.startswith(TEST_PREFIX)):
        raise Refused(
            f"generate_projects writes only to a database of its own, whose name ends with "
            f"'{ALLOWED_SUFFIX}' (make bench uses asf_portal_bench); '{name}' is not one. "
            "Set DATABASE_URL or --database to such a database."
        )


# Swedish vocabulary ---------------------------------------------------------------------------
# fmt: off

# A few municipalities in each county (by länskod), for titles, texts and partners.
PLACES = {
    "01": ["Stockholm", "Södertälje", "Botkyrka", "Haninge", "Norrtälje"],
    "03": ["Uppsala", "Enköping", "Tierp", "Östhammar"],
    "04": ["Eskilstuna", "Nyköping", "Katrineholm", "Flen"],
    "05": ["Linköping", "Norrköping", "Motala", "Finspång", "Mjölby"],
    "06": ["Jönköping", "Värnamo", "Nässjö", "Gislaved"],
    "07": ["Växjö", "Ljungby", "Älmhult", "Alvesta", "Tingsryd"],
    "08": ["Kalmar", "Västervik", "Oskarshamn", "Nybro"],
    "09": ["Visby", "Hemse", "Slite"],
    "10": ["Karlskrona", "Ronneby", "Karlshamn", "Sölvesborg"],
    "12": ["Malmö", "Helsingborg", "Lund", "Kristianstad", "Landskrona"],
    "13": ["Halmstad", "Varberg", "Falkenberg", "Kungsbacka"],
    "14": ["Göteborg", "Borås", "Trollhättan", "Uddevalla", "Skövde"],
    "17": ["Karlstad", "Arvika", "Kristinehamn", "Säffle"],
    "18": ["Örebro", "Karlskoga", "Kumla", "Lindesberg"],
    "19": ["Västerås", "Köping", "Sala", "Fagersta"],
    "20": ["Falun", "Borlänge", "Mora", "Ludvika", "Avesta"],
    "21": ["Gävle", "Sandviken", "Hudiksvall", "Bollnäs", "Söderhamn"],
    "22": ["Sundsvall", "Härnösand", "Örnsköldsvik", "Kramfors"],
    "23": ["Östersund", "Sveg", "Strömsund", "Åre"],
    "24": ["Umeå", "Skellefteå", "Lycksele", "Vilhelmina"],
    "25": ["Luleå", "Piteå", "Kiruna", "Boden", "Gällivare"],
}
AREA_CODES = {
    "01": "08", "03": "018", "04": "016", "05": "013", "06": "036", "07": "0470", "08": "0480",
    "09": "0498", "10": "0455", "12": "040", "13": "035", "14": "031", "17": "054", "18": "019",
    "19": "021", "20": "023", "21": "026", "22": "060", "23": "063", "24": "090", "25": "0920",
}

TITLE_OPENINGS = [
    "Steg framåt", "Vägen in", "Nya vägar", "Kraftsamling", "Tillsammans", "Jobbsprånget",
    "Brobygget", "Starkare ASF", "Växtkraft", "Inkludera", "Arbete för alla", "Mötesplatsen",
    "Framtidsverkstan", "Social styrka", "Lokal kraft", "Hela vägen", "Rätt match",
    "Gemensam grund", "Språngbrädan", "Byggstenar",
]
TITLE_TOPICS = [
    "säljbolag för sociala företag", "upphandling med social hänsyn", "handledarutbildning",
    "kompetensutveckling för handledare", "affärsutveckling i arbetsintegrerande sociala företag",
    "samverkan mellan kommuner och sociala företag", "nya arbetstillfällen i sociala företag",
    "arbetsträning och praktik", "regional samverkan för ASF", "stödstruktur för sociala företag",
    "sociala klausuler i upphandlingar", "idéburet offentligt partnerskap", "socialt företagande",
    "vägar till anställning", "kooperativ utveckling", "social ekonomi på landsbygden",
]

ACTORS = [
    "Kommunerna", "Regionen", "Coompanion", "Arbetsförmedlingen", "Samordningsförbundet",
    "Länsstyrelsen", "De sociala företagen", "De arbetsintegrerande sociala företagen",
    "Föreningen SofiJ", "Näringslivskontoret", "Civilsamhällets organisationer", "Handledarna",
    "Säljbolaget", "Projektgruppen", "Styrgruppen", "Försäkringskassan",
]
# Actors named with a capital letter wherever they stand in a sentence.
PROPER_NAMES = (
    "Coompanion", "Arbetsförmedlingen", "Samordningsförbundet", "Länsstyrelsen",
    "Försäkringskassan",
)
VERBS = [
    ("stärka", "stärker"), ("utveckla", "utvecklar"), ("samordna", "samordnar"),
    ("kartlägga", "kartlägger"), ("bygga upp", "bygger upp"),
    ("sprida kunskap om", "sprider kunskap om"), ("främja", "främjar"),
    ("synliggöra", "synliggör"), ("förbättra", "förbättrar"), ("öka", "ökar"),
    ("förankra", "förankrar"), ("följa upp", "följer upp"),
]
OBJECTS = [
    "de sociala företagens affärsutveckling", "samverkan mellan kommunerna",
    "de sociala företagens försäljning", "beställarnas kunskap", "säljbolagets försäljning",
    "handledarnas kompetens", "kompetensutvecklingen för de anställda",
    "arbetsintegrerande sociala företag i länet", "nätverket av sociala företag",
    "kunskapen om sociala klausuler", "företagens lönsamhet", "kontakterna med näringslivet",
    "möjligheterna till arbetsträning", "rutinerna för uppföljning",
    "samarbetet med Arbetsförmedlingen", "den regionala stödstrukturen",
    "kunskapen om socialt företagande", "de kooperativa företagens samverkan",
    "handledningen av deltagarna", "sysselsättningen i sociala företag",
]
MEANS = [
    "gemensamma utbildningar", "en regional samverkansplattform", "ett gemensamt säljbolag",
    "upphandlingsstöd", "affärsrådgivning", "handledarutbildningar", "mentorskap",
    "studiebesök", "workshoppar om försäljning", "nätverksträffar",
    "kompetensutvecklingsinsatser", "dialog med upphandlarna", "samverkansavtal",
    "idéburet offentligt partnerskap", "coachning av företagsledare", "gemensam marknadsföring",
]
TARGET_GROUPS = [
    "personer som står långt från arbetsmarknaden", "långtidsarbetslösa", "nyanlända",
    "unga som varken arbetar eller studerar", "personer med funktionsnedsättning",
    "deltagare i arbetsträning", "anställda i sociala företag", "handledare i sociala företag",
    "kvinnor som länge stått utanför arbetsmarknaden", "personer med försörjningsstöd",
]
BENEFITS = [
    "anställning", "arbetsträning", "praktik", "utbildning", "ett första arbete",
    "en väg tillbaka till arbetslivet", "stärkt självförtroende", "egen försörjning",
    "en meningsfull sysselsättning",
]
GENERAL_SENTENCES = [
    "{actor} ska {verb} {object} genom {means}.",
    "{actor} {verbs} {object} i {place}.",
    "Genom {means} får {group} möjlighet till {benefit}.",
    "Målgruppen är {group} i {place} och i länet.",
    "{actor} och {actor2} {verbs} tillsammans {object}.",
    "Projektet bygger på erfarenheterna från tidigare satsningar på {object}.",
    "Insatserna riktar sig till {group} och till de sociala företag som anställer dem.",
    "Under projekttiden ska {actor_inline} {verb} {object} och {verb2} {object2}.",
    "Arbetsintegrerande sociala företag i {place} erbjuder {group} {benefit}.",
    "Resultaten sprids via {means} till andra regioner.",
    "En extern utvärderare följer upp hur {object} har utvecklats.",
    "Jämställdhet och tillgänglighet beaktas i alla delar av genomförandet.",
    "Sociala företag i {place} har svårt att nå ut till offentliga beställare.",
    "Behovet av {means} har framkommit i en förstudie om {object}.",
    "Det långsiktiga målet är att fler {group} ska få {benefit}.",
]
# A project given a theme says so in its own text, as the real projects do.
THEME_SENTENCES = {
    "affarsutveckling": [
        "Projektet erbjuder affärsutveckling till de sociala företagen i {place}.",
        "Affärsutvecklingen ska göra företagen mer lönsamma och mindre beroende av bidrag.",
        "Företagsledarna får stöd i affärsutveckling och marknadsföring.",
    ],
    "handledarstod": [
        "Handledarstöd ges till handledarna i företagen.",
        "Ett nätverk för handledarstöd startas i {place}.",
        "Handledarna får handledarstöd och erfarenhetsutbyte varje månad.",
    ],
    "kompetensutveckling": [
        "Kompetensutveckling för anställda och handledare är en del av projektet.",
        "Företagen tar fram en plan för kompetensutveckling.",
        "Kompetensutvecklingen genomförs tillsammans med folkhögskolor i {place}.",
    ],
    "samverkan": [
        "Samverkan mellan kommunerna, Arbetsförmedlingen och de sociala företagen stärks.",
        "En regional samverkan byggs upp i {place}.",
        "Samverkansformerna dokumenteras så att andra kan använda dem.",
    ],
    "saljbolag": [
        "Ett säljbolag bildas som säljer de sociala företagens tjänster.",
        "Säljbolaget samordnar anbud från flera sociala företag i {place}.",
        "Säljbolagen i regionen samarbetar om större uppdrag.",
    ],
    "upphandling-med-social-hansyn": [
        "Kommunerna prövar upphandling med social hänsyn i nya avtal.",
        "Upphandlingarna i {place} ska ställa sociala krav.",
        "Upphandlare utbildas i upphandling med social hänsyn och sociala klausuler.",
    ],
}
# (theme or "" for any project, kind, text, unit, lowest and highest target); no unit: a goal
# without a numeric target. A goal about a theme only for projects with that theme.
GOALS = [
    ("", "result", "Minst {n} nya arbetstillfällen i sociala företag.", "arbetstillfällen", 5, 80),
    ("affarsutveckling", "result", "{n} sociala företag har fått affärsutveckling.", "företag",
     3, 40),
    ("upphandling-med-social-hansyn", "result",
     "{n} upphandlingar med social hänsyn har genomförts.", "upphandlingar", 1, 20),
    ("handledarstod", "result", "{n} handledare har genomgått handledarutbildning.",
     "handledare", 5, 60),
    ("", "result", "{n} deltagare har fått arbetsträning eller praktik.", "deltagare", 10, 300),
    ("", "result", "{n} nya affärsrelationer mellan sociala företag och näringslivet.",
     "nya affärsrelationer", 2, 50),
    ("saljbolag", "result", "Säljbolaget har tecknat {n} avtal.", "avtal", 1, 25),
    ("", "overall", "De arbetsintegrerande sociala företagen i länet har ett strategiskt "
     "förhållningssätt som skapar stabilitet och långsiktighet.", "", 0, 0),
    ("", "overall", "Fler personer som står långt från arbetsmarknaden får arbete i sociala "
     "företag.", "", 0, 0),
    ("samverkan", "overall", "Samverkan mellan offentlig sektor och sociala företag är "
     "långsiktig.", "", 0, 0),
    ("upphandling-med-social-hansyn", "overall", "Upphandling med social hänsyn är en del av "
     "kommunernas arbetssätt.", "", 0, 0),
    ("kompetensutveckling", "result", "Kompetensutveckling har erbjudits alla anställda i de "
     "deltagande företagen.", "", 0, 0),
]
FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin",
    "Lars", "Anders", "Johan", "Erik", "Per", "Karl", "Mikael", "Peter", "Jonas", "Ahmed",
    "Fatima", "Mohammed", "Elin", "Linnea", "Björn", "Åsa", "Örjan", "Ulla", "Göran", "Sofia",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist",
    "Berg", "Åberg", "Öberg", "Sandberg", "Lundgren", "Holm", "Ali", "Hassan", "Nyström",
]
ROLES = [
    "Projektledare", "Processledare", "Verksamhetsutvecklare", "Strateg social ekonomi",
    "Affärsrådgivare", "Samordnare", "Utvecklingsledare",
]
ORGANISATION_KINDS = [
    "{place} kommun", "Coompanion {place}", "Arbetsförmedlingen {place}",
    "Samordningsförbundet {place}", "Folkhögskolan i {place}", "Hushållningssällskapet {place}",
]
ENTERPRISE_WORDS = (
    ["Gröna", "Nya", "Goda", "Kreativa", "Hållbara", "Lokala", "Aktiva", "Öppna"],
    ["Händer", "Verkstaden", "Cykelköket", "Trädgården", "Kaféet", "Snickeriet", "Tvätteriet",
     "Återbruket", "Städservice", "Fastighetsservice", "Second hand"],
)
PARTNER_ROLES = [
    "Deltar i styrgruppen.", "Bidrar med handledare och arbetsträningsplatser.",
    "Ansvarar för affärsrådgivningen.", "Medfinansierar projektet.",
    "Leder arbetet med upphandling med social hänsyn.", "Bidrar med kompetensutveckling.",
    "Ingår i säljbolaget.", "",
]
PROGRAMMES = [
    ("esf", "Europeiska socialfonden (syntetisk)", "Svenska ESF-rådet"),
    ("regionala-medel", "Regionala utvecklingsmedel (syntetisk)", "Regionen"),
    ("arvsfonden", "Arvsfonden (syntetisk)", "Allmänna arvsfonden"),
    ("kommunala-medel", "Kommunal medfinansiering (syntetisk)", "Kommunerna"),
]
# Bigger counties get more projects: Stockholm, Västra Götaland and Skåne most.
COUNTY_WEIGHTS = {"01": 4, "14": 3, "12": 3, "05": 2, "03": 2}

# fmt: on


def inline(actor):
    """An actor in the middle of a sentence: "de sociala företagen", "Coompanion"."""
    return actor if actor.startswith(PROPER_NAMES) else actor[0].lower() + actor[1:]


# Writing rows by COPY ---------------------------------------------------------------------------


def copy_value(value):
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date | Decimal | int | float):
        return str(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Rows:
    """Rows for one model's table, as COPY writes them: each a dict of the values given,
    the rest the model's own defaults (as an unsaved instance would have them). Generated
    columns are left to PostgreSQL, the key too unless it is given."""

    def __init__(self, model, with_pk=False):
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if not isinstance(field, models.GeneratedField) and (with_pk or not field.primary_key)
        ]
        self.defaults = {field.attname: field.get_default() for field in self.fields}
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, **values):
        if not values.keys() <= self.defaults.keys():
            raise ValueError(f"No such columns in {self.model.__name__}: {values.keys()}")
        row = self.defaults | values
        self.buffer.write("\t".join([copy_value(row[field.attname]) for field in self.fields]))
        self.buffer.write("\n")
        self.count += 1

    def copy(self, cursor, quote):
        if not self.count:
            return
        columns = ", ".join(quote(field.column) for field in self.fields)
        self.buffer.seek(0)
        cursor.copy_expert(
            f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN", self.buffer
        )


class Writer:
    """COPYs each finished batch while the next one is built: PostgreSQL computes the search
    vectors and fills the indexes on one core while Python builds rows on the other.

    It writes through the command's own connection, so in its transaction; nothing else
    uses that connection until close().
    """

    def __init__(self, connection):
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.quote = connection.ops.quote_name
        self.batches = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue  # the transaction is lost; drain until close() reports it
            try:
                for rows in batch:
                    rows.copy(self.cursor, self.quote)
            except Exception as error:  # handed to the main thread
                self.error = error

    def write(self, batch):
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def close(self):
        self.batches.put(None)
        self.thread.join()
        self.cursor.close()
        if self.error is not None:
            raise self.error


# The generator ----------------------------------------------------------------------------------


class Generator:
    SENTENCES_PER_PLACE = 60

    def __init__(self, using, seed, today):
        self.connection = connections[using]
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        # Sentences are drawn from a pool per place: building each anew would be most of the
        # run's time, and real project texts repeat themselves too.
        self.sentences = {
            place: [self.fill(template, place) for template in self.templates()]
            for places in PLACES.values()
            for place in places
        }

    # Texts

    def templates(self):
        return self.rng.choices(GENERAL_SENTENCES, k=self.SENTENCES_PER_PLACE)

    def fill(self, template, place):
        rng = self.rng
        actor, actor2 = rng.sample(ACTORS, 2)
        (verb, verbs), (verb2, _) = rng.sample(VERBS, 2)
        obj, obj2 = rng.sample(OBJECTS, 2)
        return template.format(
            actor=actor,
            actor2=inline(actor2),
            actor_inline=inline(actor),
            verb=verb,
            verb2=verb2,
            verbs=verbs,
            object=obj,
            object2=obj2,
            means=rng.choice(MEANS),
            group=rng.choice(TARGET_GROUPS),
            benefit=rng.choice(BENEFITS),
            place=place,
        )

    def paragraph(self, place, low, high, share, themes=()):
        """low to high sentences and one about each theme; with no theme, "" (as for most
        of the real projects' fields) in 1 - share of the cases."""
        rng = self.rng
        if not themes and rng.random() >= share:
            return ""
        sentences = rng.sample(self.sentences[place], rng.randint(low, high))
        for theme in themes:
            sentence = rng.choice(THEME_SENTENCES[theme]).format(place=place)
            sentences.insert(rng.randrange(len(sentences) + 1), sentence)
        return " ".join(sentences)

    def title(self, place):
        topic = self.rng.choice(TITLE_TOPICS)
        if self.rng.random() < 0.6:
            return f"{self.rng.choice(TITLE_OPENINGS)} – {topic} i {place}"
        return f"{topic[0].upper()}{topic[1:]} i {place}"

    # Periods

    def period(self):
        rng = self.rng
        if rng.random() < 0.04:
            return None, None, Project.Precision.YEAR
        start_year = min(2008 + int(rng.triangular(0, 19, 12)), 2026)
        precision = rng.choices(
            [Project.Precision.YEAR, Project.Precision.MONTH, Project.Precision.DAY], [5, 3, 2]
        )[0]
        if precision == Project.Precision.YEAR:
            end_year = min(start_year + rng.choice([0, 1, 1, 2, 2, 3]), 2026)
            return date(start_year, 1, 1), date(end_year, 12, 31), precision
        start = date(start_year, rng.randint(1, 12), 1)
        if precision == Project.Precision.DAY:
            start += timedelta(days=rng.randint(0, 27))
        end = min(start + timedelta(days=rng.randint(180, 1460)), date(2026, 12, 31))
        if precision == Project.Precision.MONTH:
            next_month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
            end = next_month - timedelta(days=1)
        return start, end, precision

    def moments(self, start):
        """When the record was entered and last changed: around its start, up to now."""
        base = start or date(2015, 1, 1)
        created = datetime.combine(base - timedelta(days=self.rng.randint(0, 120)), time(9))
        created = timezone.make_aware(min(created, datetime(2026, 1, 1)))
        span = max((self.now - created).total_seconds(), 0)
        updated = created + timedelta(seconds=span * self.rng.random() ** 3)
        return created, min(updated, self.now)

    # Records

    def add_goals(self, rows, project_id, period_end, theme_slugs, source_id):
        rng = self.rng
        ended = period_end is not None and period_end < self.today
        goals = [goal for goal in GOALS if not goal[0] or goal[0] in theme_slugs]
        for position in range(rng.choices(range(7), [10, 15, 20, 20, 15, 12, 8])[0]):
            _, kind, text, unit, low, high = rng.choice(goals)
            target = Decimal(rng.randint(low, high)) if unit else None
            follow_up = {}
            if ended and rng.random() < 0.3:
                follow_up = {
                    "status": rng.choice(
                        [Goal.Status.ACHIEVED, Goal.Status.NOT_ACHIEVED, Goal.Status.ONGOING]
                    ),
                    "reported_on": min(period_end + timedelta(days=90), self.today),
                    "report_source_id": source_id,
                }
                if target is not None:
                    outcome = target * Decimal(rng.uniform(0.3, 1.4))
                    follow_up["outcome_value"] = outcome.quantize(Decimal("1"))
            rows.add(
                project_id=project_id,
                kind=kind,
                text=text.format(n=target),
                target_value=target,
                target_unit=unit,
                position=position,
                source_id=source_id,
                **follow_up,
            )

    def add_contacts(self, rows, project_id, region, source_id):
        rng = self.rng
        area_code = AREA_CODES[region.county.code]
        for _ in range(rng.choice([1, 1, 2])):
            rows.add(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role=rng.choice(ROLES),
                organisation=region.name,
                phone=f"{area_code}-{rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                project_id=project_id,
                source_id=source_id,
            )

    def allocate_ids(self, count):
        """Keys for the projects, taken from their sequence, so goals can point at them."""
        table = Project._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def batch(self, first, ids, context):
        """Projects numbered from `first` with everything that hangs on them, as Rows."""
        rng = self.rng
        source_id = context["source"].pk
        projects = Rows(Project, with_pk=True)
        goals, tagged = Rows(Goal), Rows(Project.themes.through)
        partnerships, contacts = Rows(Partnership), Rows(Contact)
        for serial, pk in enumerate(ids, start=first):
            region = rng.choices(context["regions"], context["region_weights"])[0]
            place = rng.choice(PLACES[region.county.code])
            start, end, precision = self.period()
            ended = end is not None and end < self.today
            themes = rng.sample(context["themes"], rng.choices([0, 1, 2, 3], [25, 40, 25, 10])[0])
            theme_slugs = [theme.slug for theme in themes]
            title = self.title(place)
            created, updated = self.moments(start)
            published = rng.random() < 0.94
            projects.add(
                id=pk,
                region_id=region.pk,
                programme_id=rng.choices(context["programmes"], context["programme_weights"])[0],
                title=title,
                slug=f"{slugify(title)[:90]}-{serial}",
                status=Project.Status.PUBLISHED if published else Project.Status.DRAFT,
                lead=self.paragraph(place, 1, 2, 0.9),
                purpose=self.paragraph(place, 1, 2, 0.7, theme_slugs[:1]),
                target_group=self.paragraph(place, 1, 1, 0.6),
                background=self.paragraph(place, 1, 3, 0.5),
                activities=self.paragraph(place, 2, 4, 0.6, theme_slugs[1:]),
                expected_effects=self.paragraph(place, 1, 2, 0.5),
                results=self.paragraph(place, 1, 2, 0.6 if ended else 0.05),
                implementation=self.paragraph(place, 1, 2, 0.3),
                period_start=start,
                period_end=end,
                period_precision=precision,
                source_id=source_id,
                created_at=created,
                updated_at=updated,
            )
            self.add_goals(goals, pk, end, theme_slugs, source_id)
            for theme in themes:
                tagged.add(project_id=pk, theme_id=theme.pk)
            partner_count = rng.choices(range(6), [15, 25, 25, 15, 12, 8])[0]
            for organisation_id in rng.sample(context["organisations"], partner_count):
                partnerships.add(
                    project_id=pk,
                    organisation_id=organisation_id,
                    kind="partner",
                    role=rng.choice(PARTNER_ROLES),
                    source_id=source_id,
                )
            if rng.random() < 0.3:
                self.add_contacts(contacts, pk, region, source_id)
        return projects, goals, tagged, partnerships, contacts


def generate(count=100_000, database=DEFAULT_DB_ALIAS, seed=2017, verbosity=1, stdout=None):
    """Write `count` synthetic projects (after removing those of an earlier run)."""
    stdout = stdout or sys.stdout
    if database not in connections:
        raise Refused(f"No database alias {database!r} in DATABASES.")
    check_database_name(connections[database].settings_dict["NAME"])
    if count < 0:
        raise Refused("The number of projects cannot be negative.")
    generator = Generator(database, seed, timezone.localdate())
    with transaction.atomic(using=database):
        source = synthetic_source(database)
        removed = remove_previous(database, source)
        context = drawing_context(database, source, generator.rng)
        ids = generator.allocate_ids(count)
        totals = Counter()
        writer = Writer(connections[database])
        try:
            for start in range(0, count, BATCH_SIZE):
                batch = generator.batch(start + 1, ids[start : start + BATCH_SIZE], context)
                writer.write(batch)
                totals.update({rows.model: rows.count for rows in batch})
                if verbosity > 1:
                    print(f"{start + batch[0].count} projects built", file=stdout)
        finally:
            writer.close()
        with connections[database].cursor() as cursor:
            for model in (Project, Goal, Partnership, Contact, Organisation, Region):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
            cursor.execute(f"ANALYZE {Project.themes.through._meta.db_table}")
        touch_data_version(database)
    goals, themes = totals[Goal], totals[Project.themes.through]
    partners, contacts = totals[Partnership], totals[Contact]
    if removed:
        print(f"Removed {removed} synthetic projects generated before.", file=stdout)
    print(
        f"Generated {count} projects with {goals} goals, {themes} themes, {partners} "
        f"partners and {contacts} contacts in {len(context['regions'])} regions.",
        file=stdout,
    )


def synthetic_source(using):
    source, _ = Source.objects.using(using).get_or_create(
        slug=SOURCE_SLUG,
        defaults={
            "title": SOURCE_TITLE,
            "publisher": SOURCE_PUBLISHER,
            "retrieved_year": timezone.localdate().year,
            "text": "Slumpmässigt genererade projekt för prestandamätning. Inget av detta "
            "har publicerats någonstans.",
        },
    )
    return source


def remove_previous(using, source):
    """What an earlier run wrote, in one statement a table (the ORM would load it all)."""
    projects = f"SELECT id FROM {Project._meta.db_table} WHERE source_id = %s"
    statements = [
        (Contact, f"project_id IN ({projects})"),
        (Partnership, f"project_id IN ({projects})"),
        (Goal, f"project_id IN ({projects})"),
        (Project.themes.through, f"project_id IN ({projects})"),
        (Project, "source_id = %s"),
        (Organisation, "source_id = %s"),
        (Programme, "source_id = %s"),
    ]
    removed = 0
    with connections[using].cursor() as cursor:
        for model, condition in statements:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {condition}", [source.pk])
            if model is Project:
                removed = cursor.rowcount
    return removed


def drawing_context(using, source, rng):
    """Regions for every county, themes, programmes and organisations to draw from."""
    counties = list(County.objects.using(using).order_by("code"))
    if len(counties) != 21:
        raise Refused("The 21 counties are missing: load the fixtures first (loaddata portal).")
    regions = list(Region.objects.using(using).select_related("county"))
    covered = {region.county_id for region in regions}
    new_regions = [
        Region(
            name=f"Syntetisk region: {county.name}",
            short_name=f"{county.name} (syntetisk)",
            slug=f"{SLUG_PREFIX}-{county.code}",
            county=county,
            funded_2017_2018=False,
            source=source,
        )
        for county in counties
        if county.pk not in covered
    ]
    Region.objects.using(using).bulk_create(new_regions)
    regions = list(Region.objects.using(using).select_related("county").order_by("pk"))
    themes = list(Theme.objects.using(using).order_by("pk"))
    if not themes:
        raise Refused("No themes: load the fixtures first (loaddata portal).")

    programmes = list(Programme.objects.using(using).exclude(source=source).order_by("pk"))
    new_programmes = [
        Programme(name=name, slug=f"{SLUG_PREFIX}-{slug}", funder=funder, source=source)
        for slug, name, funder in PROGRAMMES
    ]
    Programme.objects.using(using).bulk_create(new_programmes)
    programmes = [programme.pk for programme in [*programmes, *new_programmes]]
    # The real programmes stay rare among the synthetic projects.
    programme_weights = [1] * (len(programmes) - len(new_programmes))
    programme_weights += [10] * len(new_programmes)

    taken = set(Organisation.objects.using(using).values_list("name", flat=True))
    names = [
        kind.format(place=place)
        for places in PLACES.values()
        for place in places
        for kind in ORGANISATION_KINDS
    ]
    names += [
        f"{a} {b} i {place}"
        for a in ENTERPRISE_WORDS[0]
        for b in ENTERPRISE_WORDS[1]
        for place in ("Norden", "Sverige")
    ]
    names = [name for name in dict.fromkeys(names) if name not in taken]
    rng.shuffle(names)
    organisations = [
        Organisation(name=name, slug=f"{SLUG_PREFIX}-org-{number}", source=source)
        for number, name in enumerate(names[:ORGANISATION_COUNT], start=1)
    ]
    Organisation.objects.using(using).bulk_create(organisations)

    return {
        "source": source,
        "regions": regions,
        "region_weights": [COUNTY_WEIGHTS.get(region.county.code, 1) for region in regions],
        "themes": themes,
        "programmes": programmes,
        "programme_weights": programme_weights,
        "organisations": [organisation.pk for organisation in organisations],
    }


def touch_data_version(using):
    """The data changed: cached pages must go. DataVersion.touch() for the default database."""
    if using == DEFAULT_DB_ALIAS:
        DataVersion.touch()
    else:
        DataVersion.objects.using(using).update_or_create(
            pk=1, defaults={"changed_at": timezone.now()}
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Synthetic projects for the benchmark.")
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("-v", "--verbosity", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        generate(args.count, args.database, args.seed, args.verbosity)
    except Refused as error:
        sys.exit(f"generate_projects: {error}")


if __name__ == "__main__":
    main()
