"""Rebuild fixtures/portal.json from the published texts in fixtures/sources/.

Every text the portal publishes is written here as an excerpt of a source and
checked against that source before the fixture is written: an excerpt that is
not in its text stops the build. The few changes we make to the texts are
listed in TYPO_CORRECTIONS and EDITORIAL_REWRITES, so a reader can see them.
"""

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.models import Project

OUTPUT = settings.FIXTURE_DIRS[0] / "portal.json"
RETRIEVED_YEAR = 2026  # the sources' README: "The texts were retrieved in 2026"
# The rows' created_at and updated_at: fixed so that the fixture is the same on every build.
# No one entered anything then; the pages date a change by its history (with_edit_dates).
ENTERED_AT = "2026-11-22T09:00:00+01:00"
PROGRAMME_START = date(2017, 1, 1)
PROGRAMME_END = date(2018, 12, 31)

# Obvious typos in the published texts, corrected in what the portal shows.
# The Source records keep the texts exactly as published.
TYPO_CORRECTIONS = {
    "tvv-regionala-projekt": [("fått fiansiering", "fått finansiering")],
    "jonkoping-starkare-asf": [
        ("sociala företagen (ASF)", "sociala företag (ASF)"),
        ("långsiktigt regional samverkan", "långsiktig regional samverkan"),
        ("ASF´s behov", "ASF:s behov"),
        ("minskad utanförskap", "minskat utanförskap"),
        ("där social entreprenörskap", "där socialt entreprenörskap"),
    ],
    "tvv-vastra-gotaland": [("utvecklingsarbete ioch främja", "utvecklingsarbete och främja")],
    "tvv-kronoberg": [
        ("Projketet kommer", "Projektet kommer"),
        ("utvecklingsnämnden.Det finns", "utvecklingsnämnden. Det finns"),
        ("inte sälla är", "inte sällan är"),
    ],
    "ostergotland-projekt-och-rapporter": [
        ("Två kommuner kommun som", "Två kommuner som"),
        ("om arbetsintegrerade sociala", "om arbetsintegrerande sociala"),
        ("De är bearbetat till", "Det är bearbetat till"),
    ],
}

# Where a sentence names several regions at once, the part about one region is
# written out as a sentence of its own. The excerpt it was made from is checked.
EDITORIAL_REWRITES = {
    "I Gävleborg bildas ett regionalt råd för arbetsintegrerande sociala företag.": (
        "I Östergötland bildas ett säljbolag, i Gävleborg ett regionalt råd för "
        "arbetsintegrerande sociala företag"
    ),
}

# Page furniture and leftovers in the captured texts; none of it may become content.
FURNITURE = [
    "Meny Stäng",
    "Sök",
    "Foto:",
    "Utvecklingi",
    "Bild på",
    "Behandling av personuppgifter",
    "Om du fyller i din e-postadress",
    "tillvaxtverket.se/personuppgifter",
    "ASFWord",
    "Sammanfattningar -",
    "Förenkla gärna brödtexten",
]

OSTERGOTLAND_KEY = "ostergotland-projekt-och-rapporter"
SOURCES = [
    # key, file, title, publisher
    (
        "tvv-regionala-projekt",
        "tillvaxtverket-regionala-projekt.txt",
        "Regionala projekt för ökad sysselsättning",
        "Tillväxtverket",
    ),
    (
        "jonkoping-starkare-asf",
        "jonkopings-lan-starkare-asf.txt",
        "Starkare ASF i Jönköpings län",
        "Region Jönköpings län (Utveckling i Jönköpings län)",
    ),
    (
        "tvv-vastra-gotaland",
        "tillvaxtverket-vastra-gotalandsregionen.txt",
        "Västra Götalandsregionen",
        "Tillväxtverket",
    ),
    ("tvv-kronoberg", "tillvaxtverket-region-kronoberg.txt", "Region Kronoberg", "Tillväxtverket"),
    (
        "ostergotland-projekt-och-rapporter",
        "region-ostergotland-asf-projekt-och-rapporter.txt",
        "Arbetsintegrerande sociala företag – Projekt och rapporter",
        "Region Östergötland",
    ),
    ("scb-lanskoder", "lan.csv", "Län och länskoder", "Statistiska centralbyrån (SCB)"),
]

# slug, official name, short name, länskod
REGIONS = [
    ("gavleborg", "Region Gävleborg", "Gävleborg", "21"),
    ("ostergotland", "Region Östergötland", "Östergötland", "05"),
    ("skane", "Region Skåne", "Skåne", "12"),
    ("jonkopings-lan", "Region Jönköpings län", "Jönköpings län", "06"),
    ("kronoberg", "Region Kronoberg", "Kronoberg", "07"),
    ("norrbotten", "Region Norrbotten", "Norrbotten", "25"),
    ("orebro-lan", "Region Örebro län", "Örebro län", "18"),
    ("dalarna", "Region Dalarna", "Dalarna", "20"),
    ("jamtland-harjedalen", "Region Jämtland Härjedalen", "Jämtland Härjedalen", "23"),
    ("kalmar-lan", "Regionförbundet i Kalmar län", "Kalmar län", "08"),
    ("vasterbotten", "Region Västerbotten", "Västerbotten", "24"),
    ("vastra-gotaland", "Västra Götalandsregionen", "Västra Götaland", "14"),
]

THEMES = [
    ("affarsutveckling", "affärsutveckling"),
    ("handledarstod", "handledarstöd"),
    ("kompetensutveckling", "kompetensutveckling"),
    ("samverkan", "samverkan"),
    ("saljbolag", "säljbolag"),
    ("upphandling-med-social-hansyn", "upphandling med social hänsyn"),
]


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class SourceText:
    key: str
    filename: str
    title: str
    publisher: str
    original: str
    corrected: str = field(init=False)

    def __post_init__(self):
        corrected = self.original
        for wrong, right in TYPO_CORRECTIONS.get(self.key, []):
            if wrong not in corrected:
                raise CommandError(f"{self.filename}: the typo {wrong!r} is not in the text")
            corrected = corrected.replace(wrong, right)
        self.corrected = normalise(corrected)

    def quote(self, *pieces):
        """The pieces as paragraphs, each checked to be in this text (typos corrected)."""
        return "\n\n".join(self._checked(piece) for piece in pieces)

    def items(self, *items, intro=""):
        """A list, one '- ' line an item, each checked; an optional checked intro line."""
        lines = [self._checked(intro)] if intro else []
        lines += [f"- {self._checked(item)}" for item in items]
        return "\n".join(lines)

    def _checked(self, piece):
        piece = normalise(piece)
        excerpt = EDITORIAL_REWRITES.get(piece, piece)
        # A sentence cut from a list or a longer sentence may end with a full stop of ours.
        if excerpt not in self.corrected and excerpt.rstrip(".") not in self.corrected:
            raise CommandError(f"not in {self.filename}: {excerpt!r}")
        for furniture in FURNITURE:
            if furniture in piece:
                raise CommandError(f"page furniture {furniture!r} in {piece!r}")
        return piece


class FixtureWriter:
    """Collects fixture records with stable primary keys, in dependency order."""

    def __init__(self):
        self.records = []
        self.next_pk = {}

    def add(self, model, **fields):
        pk = self.next_pk.get(model, 1)
        self.next_pk[model] = pk + 1
        self.records.append({"model": model, "pk": pk, "fields": fields})
        return pk


class Command(BaseCommand):
    help = "Bygger om fixtures/portal.json från källtexterna i fixtures/sources/."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(OUTPUT), help="Var fixturen skrivs.")

    def handle(self, *args, **options):
        out = FixtureWriter()
        texts = self.read_sources()
        source_pk = {
            key: out.add(
                "regions.source",
                slug=key,
                title=text.title,
                publisher=text.publisher,
                url="",
                retrieved_year=RETRIEVED_YEAR,
                retrieved_on=None,
                filename=text.filename,
                text=text.original,
            )
            for key, text in texts.items()
        }
        region_pk = self.add_regions(out, texts, source_pk)
        project_pk = self.add_projects(out, texts, source_pk, region_pk)
        self.add_contacts(out, texts, source_pk, region_pk, project_pk)

        output = Path(options["output"])
        output.write_text(json.dumps(out.records, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"Wrote {len(out.records)} records to {output}")

    def read_sources(self):
        texts = {}
        for key, filename, title, publisher in SOURCES:
            original = (settings.SOURCE_TEXTS_DIR / filename).read_text(encoding="utf-8")
            texts[key] = SourceText(key, filename, title, publisher, original)
        return texts

    def add_regions(self, out, texts, source_pk):
        county_pk = {}
        with (settings.SOURCE_TEXTS_DIR / "lan.csv").open(encoding="utf-8") as lan:
            for row in csv.DictReader(lan):
                county_pk[row["lanskod"]] = out.add(
                    "regions.county",
                    code=row["lanskod"],
                    name=row["lan"],
                    source=source_pk["scb-lanskoder"],
                )

        programme_text = texts["tvv-regionala-projekt"]
        ostergotland = texts["ostergotland-projekt-och-rapporter"]
        region_pk = {}
        for slug, name, short_name, code in REGIONS:
            # Each official name must stand in Tillväxtverket's list of funded regions.
            programme_text.quote(name)
            described = slug == "ostergotland"
            region_pk[slug] = out.add(
                "regions.region",
                name=name,
                short_name=short_name,
                slug=slug,
                county=county_pk[code],
                funded_2017_2018=True,
                description=ostergotland.quote(
                    "I Östergötland behövs kreativa åtgärder för att möta framtida "
                    "kompetensbehov, minska utanförskap och skapa fler arbetstillfällen. En sådan "
                    "åtgärd är satsningar på arbetsintegrerande sociala företag.",
                    "Arbetsintegrerande sociala företag kan vara en viktig del av ett innovativt "
                    "näringsliv som tar ansvar för att utveckla människan och bidra till att på "
                    "sikt öka arbetskraftsutbudet i regionen.",
                    "Grunden för arbetsintegrerande sociala företag är liksom för vilket företag "
                    "som helst en affärsidé. Skillnaden är mest tydlig i valet av anställda som "
                    "oftast består av de som inte får möjlighet att erhålla anställning i "
                    "traditionella företag. I Östergötland har en kunskap om arbetsintegrerande "
                    "sociala företag upparbetats under en lång tid. Inom ramen för "
                    "Regionförbundet Östsam genomfördes flera kartläggningar. Regionförbundet var "
                    "även engagerat i nationellt utvecklingsarbete, drev det regionala projektet "
                    "Östgötamodellen och deltog i ett transnationellt projekt, Messe.",
                )
                if described
                else "",
                description_source=source_pk["ostergotland-projekt-och-rapporter"]
                if described
                else None,
                source=source_pk["tvv-regionala-projekt"],
                updated_at=ENTERED_AT,
            )

        # Tillväxtverket: "Varje region har tagit fram en handlingsplan"; only
        # Kronoberg's text says what its plan holds.
        for slug, pk in region_pk.items():
            plan_pk = out.add(
                "regions.actionplan",
                region=pk,
                year=2016,
                summary="",
                source=source_pk["tvv-regionala-projekt"],
            )
            if slug == "kronoberg":
                kronoberg = texts["tvv-kronoberg"]
                for position, text in enumerate(
                    [
                        "sprida kunskap om ASF till offentliga och privata aktörer",
                        "processa fram en samverkansorganisation för befintliga ASF",
                        "arbeta för att en policy upprättas i kommunerna gällande ASF, dels ur "
                        "konkurrenshänseende men även ur ett kundperspektiv.",
                    ]
                ):
                    out.add(
                        "regions.priority",
                        action_plan=plan_pk,
                        text=kronoberg.quote(text),
                        position=position,
                        source=source_pk["tvv-kronoberg"],
                    )

        figures = [
            (
                "vastra-gotaland",
                "tvv-vastra-gotaland",
                49,
                "kommuner i regionen",
                False,
                "I cirka hälften av regionens 49 kommuner finns inga arbetsintegrerande sociala "
                "företag.",
            ),
            (
                "vastra-gotaland",
                "tvv-vastra-gotaland",
                4,
                "delregioner",
                False,
                "Projektet kommer även att sprida goda exempel på företagande och bidra till "
                "förbättrad samverkan mellan företag och myndigheter med särskilt fokus i utvalda "
                "kommuner, 2-4 kommuner i vardera av de fyra delregionerna.",
            ),
            (
                "vastra-gotaland",
                "tvv-vastra-gotaland",
                50,
                "arbetsintegrerande sociala företag i Göteborg",
                True,
                "I Göteborg finns omkring 50 arbetsintegrerande sociala företag och utvecklingen "
                "har pågått två decennier, i nära samverkan med myndigheterna.",
            ),
            (
                "jonkopings-lan",
                "jonkoping-starkare-asf",
                2,
                "kommuner som redan tillämpar upphandling med social hänsyn",
                False,
                "Förutom de två kommuner som redan tillämpar upphandling med social hänsyn har "
                "ytterligare tre offentliga aktörer tillämpat detta.",
            ),
        ]
        for position, (slug, key, value, unit, approximate, statement) in enumerate(figures):
            out.add(
                "regions.regionfigure",
                region=region_pk[slug],
                value=str(value),
                unit=unit,
                is_approximate=approximate,
                statement=texts[key].quote(statement),
                position=position,
                source=source_pk[key],
            )
        return region_pk

    def add_projects(self, out, texts, source_pk, region_pk):
        programme_text = texts["tvv-regionala-projekt"]
        ostergotland = texts["ostergotland-projekt-och-rapporter"]
        jonkoping = texts["jonkoping-starkare-asf"]
        kronoberg = texts["tvv-kronoberg"]
        vastra_gotaland = texts["tvv-vastra-gotaland"]

        out.add(
            "projects.definition",
            term="Arbetsintegrerande sociala företag (ASF)",
            slug="asf",
            defined_by="Tillväxtverket",
            text=ostergotland.items(
                "ett företag som driver näringsverksamhet med ett övergripande mål att integrera "
                "människor som har stora svårigheter att få och/eller behålla ett arbete.",
                "ett företag som skapar delaktighet för medarbetarna genom ägande, avtal eller på "
                "annat väldokumenterat sätt.",
                "ett företag som i huvudsak återinvesterar sina vinster i de egna eller liknande "
                "verksamheter som är organisatoriskt fristående från offentlig verksamhet.",
                intro="Arbetsintegrerande sociala företag är enligt Tillväxtverkets definition:",
            ),
            source=source_pk["ostergotland-projekt-och-rapporter"],
        )

        programme_pk = {
            "regionala-projekt-2017-2018": out.add(
                "projects.programme",
                name="Regionala projekt för ökad sysselsättning i ASF 2017–2018",
                slug="regionala-projekt-2017-2018",
                funder="Tillväxtverket",
                description=programme_text.quote(
                    "Tolv regioner får finansiering till att skapa jobb för personer som står "
                    "långt från arbetsmarknaden.",
                    "Genom insatserna i regionerna får arbetsintegrerande sociala företag stöd i "
                    "att utveckla hållbara affärsidéer och utöka samarbetet mellan företagen, "
                    "näringslivet och offentliga aktörer för att kunna stärka sin "
                    "konkurrenskraft.",
                    "Regionerna ska också genom dessa insatser arrangera informationsträffar och "
                    "utbildningar för att sprida kunskap om möjligheterna inom arbetsintegrerande "
                    "sociala företag till handläggare och tjänstemän lokalt och regionalt.",
                    "En god samverkan mellan arbetsintegrerande sociala företag, (ASF) och med "
                    "myndigheter och näringslivet är en nyckelfaktor för att ASF ska växa till "
                    "hållbara företag. De tolv regioner som fått finansiering genomför projekt för "
                    "att utveckla stöd och samverkan tillsammans med ASF. Varje region har tagit "
                    "fram en handlingsplan som anpassats för att passa förhållandena i den "
                    "specifika regionen.",
                    "Merparten av projekten arbetar med att ta fram strukturer för samverkan. Det "
                    "kan handla om att bilda nätverk eller säljbolag tillsammans med ASF i "
                    "regionen, att samverka mellan kommuner, samarbeta med Arbetsförmedlingen vad "
                    "gäller arbetsträning eller medverka i nätverk för att göra bättre affärer med "
                    "övriga näringslivet.",
                    "Projekten arbetar också för att arbetsintegrerande sociala företag i högre "
                    "grad ska ses som en tillgång i det ordinarie tillväxtarbetet och att de på "
                    "samma sätt som andra företag ska få tillgång till stöd.",
                    "Projekten genomförs under 2017 - 2018 och bygger på de handlingsplaner för "
                    "stöd och utveckling av arbetsintegrerande sociala företag som togs fram i en "
                    "förstudie under 2016. De är en del i regeringsuppdraget att öka "
                    "sysselsättningen i arbetsintegrerande sociala företag, ASF för personer med "
                    "svag förankring på arbetsmarknaden.",
                ),
                source=source_pk["tvv-regionala-projekt"],
            ),
            "eruf": out.add(
                "projects.programme",
                name="Europeiska regionala utvecklingsfonden",
                slug="eruf",
                funder="Europeiska regionala utvecklingsfonden",
                description="",
                source=source_pk["ostergotland-projekt-och-rapporter"],
            ),
            "interreg-ivc": out.add(
                "projects.programme",
                name="Interreg IVC",
                slug="interreg-ivc",
                funder="",
                description="",
                source=source_pk["ostergotland-projekt-och-rapporter"],
            ),
        }
        theme_pk = {
            slug: out.add("projects.theme", name=name, slug=slug, description="")
            for slug, name in THEMES
        }
        organisation_pk = {
            slug: out.add("projects.organisation", name=name, slug=slug, source=source_pk[key])
            for slug, name, key in [
                ("arbetsformedlingen", "Arbetsförmedlingen", "jonkoping-starkare-asf"),
                ("coompanion", "Coompanion", "tvv-kronoberg"),
                ("regionforbundet-ostsam", "Regionförbundet Östsam", OSTERGOTLAND_KEY),
                ("sofij", "SofiJ", "jonkoping-starkare-asf"),
            ]
        }

        def project(slug, region, title, source, *, editorial, themes=(), programme=None, **texts):
            in_programme = programme is None
            fields = {
                "region": region_pk[region],
                "programme": programme_pk[programme or "regionala-projekt-2017-2018"],
                "title": title,
                "title_is_editorial": editorial,
                "slug": slug,
                "status": "published",
                "period_start": PROGRAMME_START.isoformat() if in_programme else None,
                "period_end": PROGRAMME_END.isoformat() if in_programme else None,
                "period_precision": "year",
                "themes": [theme_pk[theme] for theme in themes],
                "source": source_pk[source],
                "created_at": ENTERED_AT,
                "updated_at": ENTERED_AT,
            }
            for name in Project.DESCRIPTION_FIELDS:
                fields[name] = texts.get(name, "")
            return out.add("projects.project", **fields)

        def editorial_title(region):
            name = next(name for slug, name, _, _ in REGIONS if slug == region)
            return f"ASF-projekt 2017–2018: {name}"

        project_pk = {}
        project_pk["jonkopings-lan"] = project(
            "starkare-asf-i-jonkopings-lan",
            "jonkopings-lan",
            jonkoping.quote("Starkare ASF i Jönköpings län"),
            "jonkoping-starkare-asf",
            editorial=False,
            themes=[
                "samverkan",
                "kompetensutveckling",
                "affarsutveckling",
                "upphandling-med-social-hansyn",
            ],
            lead=jonkoping.quote(
                "Projektet ska stärka länets arbetsintegrerande sociala företag (ASF) för att öka "
                "sysselsättningen i dessa."
            ),
            background=jonkoping.quote(
                "Tillväxtverket har ett regeringsuppdrag att utarbeta och genomföra ett nationellt "
                "program för att öka sysselsättningen genom att stärka arbetsintegrerande sociala "
                "företag (ASF). Projektet har föregåtts av en förstudie om länets förutsättningar "
                "att öka sysselsättningen i ASF. Delar av förstudien har prioriterats i "
                "föreliggande genomförandeprojekt. Projektet kommer att ligga som en del i "
                "pågående arbete med att stärka länets kompetensplattform."
            ),
            purpose=jonkoping.quote(
                "Projektets syfte är att skapa hållbara strukturer för långsiktig regional "
                "samverkan, ökad kunskap, kompetensutveckling och affärsutveckling så att fler får "
                "möjlighet till arbete i länets befintliga ASF. Projektet kommer ha fokus på att "
                "etablera och utveckla regional samverkan mellan ASF, offentliga, ideella och "
                "privata aktörer för långsiktig samverkan och gemensamt utvecklingsarbete."
            ),
            target_group=jonkoping.quote(
                "ASF ger ökade möjligheter till personer med en svag förankring på arbetsmarknaden "
                "att få ett arbete. Vårt genomförandeprojekt fokuserar på att stärka länets "
                "befintliga ASF genom kompetensutveckling samt öka samverkan mellan ASF, "
                "arbetsförmedlingen och kommunernas arbetsmarknadsenheter."
            ),
            expected_effects=jonkoping.quote(
                "ASF kan vara en viktig del som kompletterar den existerande arbetsmarknaden och "
                "bidrar till ökad sysselsättning och minskat utanförskap och samtidigt skapar nya "
                "affärsverksamheter där socialt entreprenörskap och samhällsnytta står i fokus."
            ),
        )
        project_pk["kronoberg"] = project(
            "kronoberg-2017-2018",
            "kronoberg",
            editorial_title("kronoberg"),
            "tvv-kronoberg",
            editorial=True,
            themes=["samverkan", "affarsutveckling"],
            lead=kronoberg.quote(
                "Arbetsintegrerande sociala företag i Kronoberg behöver bättre strukturer för att "
                "kunna växa och utvecklas. Då förbättras även förutsättningarna för att nya ASF "
                "ska startas i regionen."
            ),
            purpose=kronoberg.quote(
                "Syftet med projektet i Kronoberg är att skapa nödvändiga strukturer för att "
                "befintliga ASF ska växa och utvecklas. Det ger också en grund för att nya ASF kan "
                "startas i länets alla kommuner."
            ),
            activities=kronoberg.items(
                "Stödja och stärka befintliga ASF",
                "Öka kunskapen om ASF hos relevanta offentliga och privata aktörer",
                "Förbereda och ge en grund för en bredare satsning med inriktning på "
                "affärsutveckling i länets ASF, eventuellt tillsammans med angränsande län.",
                intro="Projektet kommer att arbeta med att:",
            )
            + "\n\n"
            + kronoberg.quote(
                "Projektledaren ska stödja befintliga ASF och projektet ska ge en grund för nästa "
                "steg som handlar om affärsutveckling och nystart av ASF. Projektet kommer att "
                "arbeta i nära samverkan med Coompanion som redan idag har ett uppdrag från Region "
                "Kronoberg att regelbundet samla ASF och relevanta nätverk."
            ),
            implementation=kronoberg.quote(
                "Projektet kommer att följas upp via dess styrgrupp, referensgrupp och via "
                "Regionala utvecklingsnämnden. Det finns interna resurser för jämställdhetsarbetet "
                "genom projektet Jämställd regional tillväxt. Hållbarhetsperspektivet är naturligt "
                "i projektet då målgruppen i ASF ofta utgörs av personer som står långt ifrån den "
                "ordinarie arbetsmarknaden och inte sällan är utrikesfödda.",
                "Verksamheterna i ASF är i flera fall inriktade mot miljömässig hållbarhet i form "
                "av återbruk.",
            ),
        )
        project_pk["vastra-gotaland"] = project(
            "vastra-gotaland-2017-2018",
            "vastra-gotaland",
            editorial_title("vastra-gotaland"),
            "tvv-vastra-gotaland",
            editorial=True,
            themes=["samverkan", "affarsutveckling"],
            lead=vastra_gotaland.quote(
                "Projektet i Västra Götaland ska bidra till ett mer socialt hållbart "
                "utvecklingsarbete och främja entreprenörskap, ett ökat ansvarstagande för en "
                "socialt hållbar utveckling och bidra till att minska utanförskap och segregation."
            ),
            purpose=vastra_gotaland.quote(
                "Projektet bidrar till ett mer socialt hållbart utvecklingsarbete i Västra "
                "Götaland och främjar entreprenörskap, ett ökat ansvarstagande för en socialt "
                "hållbar utveckling och bidrar till att minska utanförskap och segregation. De "
                "arbetsintegrerande sociala företagen utgör meningsfulla arbetsplatser och skapar "
                "unika utvecklingsmöjligheter för några av de allra mest utsatta grupperna av "
                "människor i regionen."
            ),
            activities=vastra_gotaland.quote(
                "Projektet kommer att bidra till affärsutveckling och en ökad hållbarhet för "
                "regionens arbetsintegrerande sociala företag, samt stärka företagens förmåga att "
                "synliggöra sin unika kompetens - arbetet med delaktighet och inkludering. "
                "Projektet kommer även att sprida goda exempel på företagande och bidra till "
                "förbättrad samverkan mellan företag och myndigheter med särskilt fokus i utvalda "
                "kommuner, 2-4 kommuner i vardera av de fyra delregionerna."
            ),
            background=vastra_gotaland.quote(
                "Västra Götalandsregionen har en mycket ojämn förekomst av arbetsintegrerande "
                "sociala företag. I cirka hälften av regionens 49 kommuner finns inga "
                "arbetsintegrerande sociala företag. Projektet vill sprida de goda erfarenheter "
                "som finns till nya delar av regionen, samt främja en utveckling i framkant för "
                "befintliga företag i regionen.",
                "Utvecklingen har hittills varit ojämn, men i Västra Götaland finns sammantaget en "
                "stor kompetens kring arbetsintegrerande sociala företag. I Göteborg finns omkring "
                "50 arbetsintegrerande sociala företag och utvecklingen har pågått två decennier, "
                "i nära samverkan med myndigheterna. I Västra Götaland finns även initiativ i "
                "framkant av utvecklingen såsom flera större konsortier, arbete med "
                "franchisemodeller, certifiering, samt ett relativt nystartat säljbolag som bland "
                "annat ska göra mindre arbetsintegrerande sociala företag redo att samarbeta även "
                "med större kunder.",
            ),
        )
        # Tillväxtverket's overview names what three of the other projects do.
        leads = {
            "ostergotland": ("I Östergötland bildas ett säljbolag.", ["saljbolag"]),
            "gavleborg": (
                "I Gävleborg bildas ett regionalt råd för arbetsintegrerande sociala företag.",
                [],
            ),
            "jamtland-harjedalen": (
                "Jämtland utvecklar nya modeller för handledarstöd.",
                ["handledarstod"],
            ),
        }
        for region, _, _, _ in REGIONS:
            if region in project_pk:
                continue
            lead, themes = leads.get(region, ("", []))
            project_pk[region] = project(
                f"{region}-2017-2018",
                region,
                editorial_title(region),
                "tvv-regionala-projekt",
                editorial=True,
                themes=themes,
                lead=programme_text.quote(lead) if lead else "",
            )

        ostgotamodellen = project(
            "ostgotamodellen",
            "ostergotland",
            ostergotland.quote(
                "Östgötamodellen – för start, stimulans och tillväxt av sociala företag"
            ),
            "ostergotland-projekt-och-rapporter",
            editorial=False,
            programme="eruf",
            lead=ostergotland.quote(
                "Projektet Östgötamodellen – för start, stimulans och tillväxt av sociala företag "
                "medfinansierades av Europeiska regionala utvecklingsfonden och tog fram förslag "
                "på stödjande aktiviteter till både kommuner, sociala företag, och människor som "
                "vill starta företag tillsammans."
            ),
            results=ostergotland.quote(
                "Fyra rapporter sammanställdes. Om sociala företag, om social franchising, om "
                "stödstrukturer och om finansiering. Det finns även en kartläggning om var "
                "människor får sin huvudsakliga försörjning. Två kommuner som var särskilt aktiva "
                "i arbetet var Motala och Norrköping. Rapporter visar att flera kommuner vill "
                "arbeta med social ekonomi som aktiv part i sitt utvecklingsarbete."
            ),
        )
        messe = project(
            "messe",
            "ostergotland",
            ostergotland.quote(
                "MESSE (Mechanism for Enhancement of Synergy and Sustainability among Enterprises)"
            ),
            "ostergotland-projekt-och-rapporter",
            editorial=False,
            programme="interreg-ivc",
            lead=ostergotland.quote(
                "Inom Interreg IVC projektet MESSE (Mechanism for Enhancement of Synergy and "
                "Sustainability among Enterprises) har internationellt utbyte mellan nio länder "
                "erhållits."
            ),
            results=ostergotland.quote(
                "På internetportalen www.messe-net.eu finns generell information kring socialt "
                "företagande i deltagande länder. Sociala företag kan hitta internationella "
                "samverkanspartners och flera goda exempel presenteras på ett konkret sätt. Ett "
                "utbildnings- och informationsmaterial gällande mentorskap har tagits fram. Det är "
                "bearbetat till svenska och för att passa svenska förhållanden."
            ),
        )

        ostsam_role = ostergotland.quote(
            "Regionförbundet var även engagerat i nationellt utvecklingsarbete, drev det "
            "regionala projektet Östgötamodellen och deltog i ett transnationellt projekt, Messe."
        )
        partnerships = [
            (
                project_pk["jonkopings-lan"],
                "sofij",
                "jonkoping-starkare-asf",
                jonkoping.quote(
                    "Samverkan mellan ASF bygger vidare på den samverkan som idag finns inom "
                    "föreningen SofiJ."
                ),
            ),
            (
                project_pk["jonkopings-lan"],
                "arbetsformedlingen",
                "jonkoping-starkare-asf",
                jonkoping.quote(
                    "Vårt genomförandeprojekt fokuserar på att stärka länets befintliga ASF genom "
                    "kompetensutveckling samt öka samverkan mellan ASF, arbetsförmedlingen och "
                    "kommunernas arbetsmarknadsenheter."
                ),
            ),
            (
                project_pk["kronoberg"],
                "coompanion",
                "tvv-kronoberg",
                kronoberg.quote(
                    "Projektet kommer att arbeta i nära samverkan med Coompanion som redan idag "
                    "har ett uppdrag från Region Kronoberg att regelbundet samla ASF och relevanta "
                    "nätverk."
                ),
            ),
            (
                project_pk["vastra-gotaland"],
                "coompanion",
                "tvv-vastra-gotaland",
                vastra_gotaland.quote(
                    "Västra Götalandsregionen samarbetar med de fyra delregionala "
                    "Coompanionkontoren"
                ),
            ),
            (
                ostgotamodellen,
                "regionforbundet-ostsam",
                "ostergotland-projekt-och-rapporter",
                ostsam_role,
            ),
            (messe, "regionforbundet-ostsam", "ostergotland-projekt-och-rapporter", ostsam_role),
        ]
        for project_id, organisation, key, role in partnerships:
            out.add(
                "projects.partnership",
                project=project_id,
                organisation=organisation_pk[organisation],
                role=role,
                source=source_pk[key],
            )

        jonkoping_goals = [
            (
                "overall",
                "Projektets övergripande mål är att de ASF som finns i länet har ett "
                "strategiskt förhållningssätt som skapar stabilitet och långsiktighet i företagen.",
                None,
                "",
            ),
            (
                "result",
                "Efter projektet finns en ökad kunskap kring upphandling med social hänsyn "
                "hos offentliga aktörer och en ökad kunskap kring att svara på upphandlingar hos "
                "ASF.",
                None,
                "",
            ),
            (
                "result",
                "Det företagsfrämjande systemet och finansieringsutbudet är kartlagt "
                "utifrån ASF:s behov och efterfrågan. Kartläggningen ska visa på åtgärder som "
                "behövs för att ASF ska främjas på lika villkor som övrigt företagande.",
                None,
                "",
            ),
            (
                "result",
                "Kunskap finns kring nya finansieringsformer som särskilt möter behov hos "
                "ASF. Dessa har jämförts med det befintliga utbudet av finansiering som idag "
                "finns i det företagsfrämjande systemet.",
                None,
                "",
            ),
            (
                "overall",
                "Vidare har projektet som övergripande mål att stärka samverkan mellan länets ASF.",
                None,
                "",
            ),
            (
                "result",
                "Under projektet ska minst 10 exempel på nya affärsrelationer mellan ASF "
                "och övrigt näringsliv som ger intäkter till ASF skapas.",
                10,
                "nya affärsrelationer",
            ),
            (
                "result",
                "Tre nya avtal mellan ASF och offentliga aktörer som ger intäkter till ASF finns.",
                3,
                "nya avtal",
            ),
            (
                "result",
                "Förutom de två kommuner som redan tillämpar upphandling med social hänsyn "
                "har ytterligare tre offentliga aktörer tillämpat detta.",
                3,
                "offentliga aktörer till som tillämpar upphandling med social hänsyn",
            ),
            (
                "result",
                "Minst fem ASF har svarat på upphandlingar.",
                5,
                "ASF som har svarat på upphandlingar",
            ),
            (
                "result",
                "Länets ASF har haft fem kontakter med det företagsfrämjande systemet "
                "vilka lett till ökade intäkter.",
                5,
                "kontakter med det företagsfrämjande systemet som lett till ökade intäkter",
            ),
        ]
        goals = [
            (project_pk["jonkopings-lan"], "jonkoping-starkare-asf", *goal)
            for goal in jonkoping_goals
        ] + [
            (
                project_pk["kronoberg"],
                "tvv-kronoberg",
                "overall",
                "Projektets målsättning är att åtgärda de tre mest efterfrågade insatserna i "
                "förstudiens handlingsplan.",
                3,
                "insatser ur förstudiens handlingsplan",
            ),
        ]
        for position, (project_id, key, kind, text, target, unit) in enumerate(goals):
            out.add(
                "projects.goal",
                project=project_id,
                kind=kind,
                text=texts[key].quote(text),
                target_value=None if target is None else str(target),
                target_unit=unit,
                outcome_value=None,
                status="not_reported",  # no source reports on any goal's follow-up
                reported_on=None,
                report_source=None,
                position=position,
                source=source_pk[key],
            )
        return project_pk

    def add_contacts(self, out, texts, source_pk, region_pk, project_pk):
        contacts = [
            # name, role, organisation, phone, region, project, source
            (
                "Margareta Wandel",
                "Strateg social ekonomi",
                "Region Östergötland",
                "010-103 65 31",
                "ostergotland",
                None,
                "ostergotland-projekt-och-rapporter",
            ),
            ("Karin Palmér", "", "Region Kronoberg", "", None, "kronoberg", "tvv-kronoberg"),
            (
                "Hanna Nyroos",
                "",
                "Västra Götalandsregionen",
                "",
                None,
                "vastra-gotaland",
                "tvv-vastra-gotaland",
            ),
        ]
        for name, role, organisation, phone, region, project, key in contacts:
            for published in (name, role, organisation, phone):
                if published:
                    texts[key].quote(published)
            out.add(
                "projects.contact",
                name=name,
                role=role,
                organisation=organisation,
                phone=phone,
                email="",  # the pages link to a form, they publish no address
                region=region_pk[region] if region else None,
                project=project_pk[project] if project else None,
                source=source_pk[key],
            )
