"""The portal's real data: what the fixtures hold, and that it is faithful to its sources."""

import copy
import io
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import models

from projects.models import Contact, Fact, Goal, Partnership, Programme, Project
from regions.models import ActionPlan, County, Region, RegionFigure, Source
from tests.conftest import REGION_SLUGS_IN_SWEDISH_ORDER
from tools.build_fixtures import NotInSource, Reference, build, main, normalise, read_excerpts

pytestmark = pytest.mark.django_db

FIXTURE = settings.FIXTURE_DIRS[0] / "portal.json"
PORTAL_APPS = ["regions", "projects"]
EXCERPTS = read_excerpts()


def portal_models():
    """The portal's content models: not the history tables django-simple-history adds, nor
    the bookkeeping of when the data last changed."""
    from regions.apps import content_models

    return content_models(apps)


def snapshot():
    return {
        model._meta.label: serializers.serialize("json", model.objects.order_by("pk"))
        for model in portal_models()
    }


def test_counts():
    assert County.objects.count() == 21
    assert Region.objects.count() == 12
    assert Region.objects.funded().count() == 12
    assert ActionPlan.objects.count() == 12
    assert Source.objects.count() == 6 + 47  # the five texts and SCB; the pages of the facts
    assert Fact.objects.count() == 111
    assert Project.objects.count() == 14
    assert Project.objects.filter(programme__slug="regionala-projekt-2017-2018").count() == 12
    assert Goal.objects.count() == 11 + 3  # the texts'; Gävleborg's, from the facts
    assert Contact.objects.count() == 3 + 7


def test_every_funded_region_has_one_programme_project():
    for region in Region.objects.all():
        assert (
            region.projects.filter(
                programme__slug="regionala-projekt-2017-2018",
                period_start__year=2017,
                period_end__year=2018,
                period_precision=Project.Precision.YEAR,
            ).count()
            == 1
        ), region


def test_regions_have_their_permanent_slugs_and_lanskod():
    assert sorted(Region.objects.values_list("slug", flat=True)) == sorted(
        REGION_SLUGS_IN_SWEDISH_ORDER
    )
    codes = dict(Region.objects.values_list("slug", "county__code"))
    assert codes["ostergotland"] == "05"
    assert codes["kalmar-lan"] == "08"
    assert codes["jamtland-harjedalen"] == "23"
    assert codes["vastra-gotaland"] == "14"
    assert Region.objects.get(slug="kalmar-lan").name == "Regionförbundet i Kalmar län"


def test_loading_again_changes_nothing():
    """As `make data` loads the fixture, every time `make run` or `make serve` starts."""
    before = snapshot()
    call_command("load_published_data", stdout=io.StringIO())
    assert snapshot() == before


def test_fixture_is_what_the_builder_makes(tmp_path, capsys):
    rebuilt = tmp_path / "portal.json"
    main(["--output", str(rebuilt)])
    assert rebuilt.read_bytes() == FIXTURE.read_bytes()
    assert capsys.readouterr().out == f"Wrote 288 records to {rebuilt}\n"


def changed_excerpts(change):
    excerpts = copy.deepcopy(EXCERPTS)
    change(excerpts)
    return excerpts


def project_entry(excerpts, slug):
    return next(entry for entry in excerpts["projects"] if entry["slug"] == slug)


@pytest.mark.parametrize(
    "change, message",
    [
        # A word the source does not have.
        (
            lambda excerpts: project_entry(excerpts, "messe").update(
                lead="Inom Interreg IVC projektet MESSE har internationellt utbyte mellan tio "
                "länder erhållits."
            ),
            "not in region-ostergotland-asf-projekt-och-rapporter.txt",
        ),
        # A true sentence, but from another project's source.
        (
            lambda excerpts: project_entry(excerpts, "kronoberg-2017-2018").update(
                lead=project_entry(excerpts, "messe")["lead"]
            ),
            "not in tillvaxtverket-region-kronoberg.txt",
        ),
        # A list item of the definition.
        (
            lambda excerpts: excerpts["definitions"][0]["text"][0].append("- ett aktiebolag."),
            "'ett aktiebolag.'",
        ),
        (
            lambda excerpts: excerpts["regions"][0].update(name="Region Gotland"),
            "'Region Gotland'",
        ),
        (
            lambda excerpts: excerpts["contacts"][0].update(phone="010-103 65 32"),
            "'010-103 65 32'",
        ),
        (
            lambda excerpts: excerpts["typo_corrections"]["tvv-kronoberg"].update(
                {"Kronobreg": "Kronoberg"}
            ),
            "the typo 'Kronobreg' is not in the text",
        ),
        (lambda excerpts: excerpts["furniture"].append("Coompanion"), "page furniture"),
        # A role the source's sentence does not give: Kronoberg's project works with Coompanion.
        (
            lambda excerpts: excerpts["partnerships"][2].update(kind="ran"),
            "'ran' without 'drev'",
        ),
        (
            lambda excerpts: excerpts["goals"][6].update(at_least=True),
            "a goal marked “minst” that does not say so",
        ),
    ],
)
def test_an_excerpt_not_in_its_source_stops_the_build(change, message):
    with pytest.raises(NotInSource, match=re.escape(message)):
        build(changed_excerpts(change))


def test_the_changes_to_the_texts_are_checked_too():
    """A typo correction or a rewrite makes an excerpt that the source, as published, lacks."""
    uncorrected = changed_excerpts(lambda excerpts: excerpts["typo_corrections"].clear())
    with pytest.raises(NotInSource, match="not in"):
        build(uncorrected)
    with pytest.raises(NotInSource, match="Gävleborg"):
        build(changed_excerpts(lambda excerpts: excerpts["editorial_rewrites"].clear()))


def text_values(instance):
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if value:
                yield field.name, value


def test_no_page_furniture_in_any_text_field():
    for model in portal_models():
        if model is Source:
            continue  # the sources keep the texts whole, furniture included
        for instance in model.objects.all():
            for name, value in text_values(instance):
                for furniture in EXCERPTS["furniture"]:
                    assert furniture not in value, (model, instance.pk, name)


def test_every_record_has_its_source():
    for model in portal_models():
        if model in {Source, Project.themes.through} or model._meta.label == "projects.Theme":
            continue
        field = model._meta.get_field("source")
        assert not field.null, model
        assert field.remote_field.on_delete is models.PROTECT, model
        assert not model.objects.filter(source__isnull=True).exists(), model
    described = Region.objects.exclude(description="")
    assert described.exists()
    assert not described.filter(description_source__isnull=True).exists()


def test_sources_keep_the_published_texts_whole():
    for source in Source.objects.exclude(filename=""):
        path = settings.FIXTURE_DIRS[0] / "sources" / source.filename
        assert source.text == path.read_text(encoding="utf-8")
    # The pages the facts summarise are not kept, and nobody noted their titles.
    pages = Source.objects.filter(filename="")
    assert pages.count() == 47
    assert set(pages.values_list("title", "text")) == {("", "")}


def test_published_texts_come_from_their_source():
    """Each paragraph or list item of a project text stands in the project's source."""
    for project in Project.objects.select_related("source"):
        text = project.source.text
        for wrong, right in EXCERPTS["typo_corrections"].get(project.source.slug, {}).items():
            text = text.replace(wrong, right)
        text = normalise(text)
        for name, value in text_values(project):
            if name in {"title", "slug", "status", "period_precision"}:
                continue
            for piece in value.split("\n"):
                piece = normalise(piece.removeprefix("- "))
                piece = EXCERPTS["editorial_rewrites"].get(piece, piece)
                assert piece.rstrip(".") in text, (project.slug, name, piece)


def test_titles_the_sources_do_not_give_are_marked_editorial():
    real_titles = {"starkare-asf-i-jonkopings-lan", "ostgotamodellen", "messe"}
    named_by_a_fact = {"gavleborg-2017-2018", "orebro-lan-2017-2018", "dalarna-2017-2018"}
    for project in Project.objects.all():
        named = real_titles | named_by_a_fact
        assert project.title_is_editorial == (project.slug not in named), project.slug
        if project.slug in real_titles:
            assert project.title in project.source.text
        elif project.slug in named_by_a_fact:
            assert f"”{project.title}”" in project.facts.get(label="projektnamn").text


def test_projects_without_a_published_description_stay_empty():
    for slug in ["dalarna", "skane", "norrbotten", "kalmar-lan", "vasterbotten", "orebro-lan"]:
        project = Project.objects.get(slug=f"{slug}-2017-2018")
        assert [name for name, _ in text_values(project)] == [
            "title",
            "slug",
            "status",
            "period_precision",
        ]
        # Goals, partners and contacts only as a fact gives them, citing the fact's page.
        pages = {fact.source for fact in project.facts.all()}
        for records in (project.goals, project.partnerships, project.contacts):
            assert {record.source for record in records.all()} <= pages, slug


def test_jonkoping_result_goals_carry_their_numbers():
    project = Project.objects.get(slug="starkare-asf-i-jonkopings-lan")
    quantified = [
        (goal.target_value, goal.target_unit) for goal in project.goals.exclude(target_value=None)
    ]
    assert quantified == [
        (Decimal(10), "nya affärsrelationer"),
        (Decimal(3), "nya avtal"),
        (Decimal(3), "offentliga aktörer till som tillämpar upphandling med social hänsyn"),
        (Decimal(5), "ASF som har svarat på upphandlingar"),
        (Decimal(5), "kontakter med det företagsfrämjande systemet som lett till ökade intäkter"),
    ]
    assert project.goals.filter(kind=Goal.Kind.OVERALL).count() == 2
    assert set(project.themes.values_list("slug", flat=True)) == {
        "samverkan",
        "kompetensutveckling",
        "affarsutveckling",
        "upphandling-med-social-hansyn",
    }


def test_contacts_are_as_published():
    wandel = Contact.objects.get(name="Margareta Wandel")
    assert (wandel.role, wandel.phone, wandel.email) == (
        "Strateg social ekonomi",
        "010-103 65 31",
        "",
    )
    assert wandel.region.slug == "ostergotland"
    assert Contact.objects.get(name="Karin Palmér").project.slug == "kronoberg-2017-2018"
    assert Contact.objects.get(name="Hanna Nyroos").project.slug == "vastra-gotaland-2017-2018"


def test_earlier_ostergotland_projects_and_their_funders():
    modellen = Project.objects.get(slug="ostgotamodellen")
    assert modellen.programme.name == "Europeiska regionala utvecklingsfonden"
    assert modellen.region.slug == "ostergotland"
    assert (modellen.period_start, modellen.period_end) == (None, None)
    assert Project.objects.get(slug="messe").programme == Programme.objects.get(slug="interreg-ivc")
    assert Partnership.objects.filter(organisation__slug="regionforbundet-ostsam").count() == 2


def test_region_figures_quote_their_sentences():
    figures = RegionFigure.objects.filter(region__slug="vastra-gotaland")
    assert {(figure.value, figure.is_approximate) for figure in figures} == {
        (Decimal(49), False),
        (Decimal(4), False),
        (Decimal(50), True),
    }
    in_words = {2: "två", 4: "fyra"}
    for figure in RegionFigure.objects.select_related("source"):
        value = int(figure.value)
        assert str(value) in figure.statement or in_words[value] in figure.statement
        assert figure.statement in normalise(figure.source.text)


def test_asf_definition_has_three_criteria_from_tillvaxtverket():
    from projects.models import Definition

    definition = Definition.objects.get(slug="asf")
    assert definition.defined_by == "Tillväxtverket"
    assert definition.text.count("\n- ") == 3


def test_kronoberg_action_plan_priorities():
    plan = ActionPlan.objects.get(region__slug="kronoberg")
    assert [p.text.split()[0] for p in plan.priorities.all()] == ["sprida", "processa", "arbeta"]


# The facts summarised from public pages ------------------------------------------------------

REFERENCE = settings.FIXTURE_DIRS[0] / "reference" / "regional-projects-2017-2018.json"
PROGRAMME_RECORD = "PROGRAMNIVÅ (nationellt program, regeringsuppdrag A2016/00424/A)"


def reference_records():
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_every_published_fact_is_a_fact_of_the_reference_with_its_page():
    records = {record["region"]: record["facts"] for record in reference_records()}
    first_from_page = {}
    for fact in (fact for facts in records.values() for fact in facts):
        first_from_page.setdefault(fact["source_url"], fact)
    published = Fact.objects.select_related("project__region", "programme", "source")
    unpublished = {
        (record, fact["field"], fact["value"], fact["source_url"])
        for record, facts in records.items()
        for fact in facts
    }
    for fact in published:
        record = fact.project.region.short_name if fact.project else PROGRAMME_RECORD
        assert (record, fact.label, fact.text, fact.source.url) in unpublished, fact
        unpublished.discard((record, fact.label, fact.text, fact.source.url))
        # One source per page: as the first fact from the page describes it (six pages are
        # described in two ways, e.g. "februari 2016 (enligt URL)" and "… URL-sökväg …").
        page = first_from_page[fact.source.url]
        assert (fact.source.publisher, fact.source.page_date) == (
            page["publisher"],
            page["page_date"],
        )
        assert (fact.source.title, fact.source.text, fact.source.retrieved_year) == ("", "", 2026)
        assert fact.kind == Fact.Kind.SUMMARY  # the reference's README: summaries, not quotes
        if fact.programme:
            assert fact.programme.slug == "regionala-projekt-2017-2018"
        else:
            assert fact.project.programme.slug == "regionala-projekt-2017-2018"
    assert unpublished == set()  # and every fact of the reference is published
    assert published.count() == 111


def test_no_research_note_reaches_the_fixture():
    assert all(
        set(record) == {"region", "project_title", "facts"} for record in reference_records()
    )
    published = FIXTURE.read_text(encoding="utf-8")
    # Phrases of the shared file's research notes (never copied here) and of the guessed
    # titles its records carry: a guess is not a fact.
    for note in [
        "OBEKRÄFTAD",
        "rfkl.se",
        "Samverkansplattform",
        "civictechsweden",
        "hittades inte",
        "Fler växande ASF i Skåne",
        "ASF för tillväxt i Västerbotten",
        "EJ FUNNEN",
        "titel ej funnen",
    ]:
        assert note not in published, note


def fact_entry(excerpts, record, label):
    group = next(g for g in excerpts["reference_facts"]["records"] if g["record"] == record)
    return next(fact for fact in group["facts"] if fact["label"] == label)


@pytest.mark.parametrize(
    "change",
    [
        # A word more than the reference's text.
        lambda e: fact_entry(e, "Dalarna", "budget").update(
            text=fact_entry(e, "Dalarna", "budget")["text"] + " Budgeten höll."
        ),
        # A hyphen for the reference's dash.
        lambda e: fact_entry(e, "Dalarna", "period").update(text="Februari 2017 - oktober 2018."),
        # The right text from another page.
        lambda e: fact_entry(e, "Dalarna", "period").update(url="https://asfidalarna.se/"),
        # Under another field of the same record.
        lambda e: fact_entry(e, "Dalarna", "period").update(label="period (projektsajt)"),
        # Another region's fact.
        lambda e: fact_entry(e, "Kalmar län", "beviljat").update(
            text=fact_entry(e, "Norrbotten", "beviljat")["text"]
        ),
    ],
)
def test_a_fact_that_is_not_the_references_stops_the_build(change):
    with pytest.raises(NotInSource, match="not in the reference record"):
        build(changed_excerpts(change))


@pytest.mark.parametrize(
    "slug, title",
    [
        ("gavleborg-2017-2018", "Hållbara ASF"),  # not what the fact quotes
        ("vasterbotten-2017-2018", "ASF för tillväxt i Västerbotten"),  # a guess, in no fact
    ],
)
def test_a_title_no_fact_quotes_stops_the_build(slug, title):
    def change(excerpts):
        project_entry(excerpts, slug).update(
            title=title, title_is_editorial=False, title_fact="projektnamn"
        )

    with pytest.raises(NotInSource, match="is not given, for certain"):
        build(changed_excerpts(change))


def test_a_title_the_fact_calls_uncertain_stops_the_build():
    reference = Reference(EXCERPTS["reference_facts"]["filename"])
    assert reference.title("X", "”X” (regionalt projekt).") == "X"
    with pytest.raises(NotInSource, match="for certain"):
        reference.title("X", "”X” (titel härledd ur URL-sluggen)")


def test_organisations_have_the_role_their_source_gives():
    roles = {
        (partnership.project.slug, partnership.organisation.name): partnership.kind
        for partnership in Partnership.objects.select_related("project", "organisation")
    }
    Kind = Partnership.Kind
    assert roles == {
        # The project wants more collaboration with the one and builds on collaboration within
        # the other: the source calls neither a partner.
        ("starkare-asf-i-jonkopings-lan", "Arbetsförmedlingen"): Kind.MENTIONED,
        ("starkare-asf-i-jonkopings-lan", "SofiJ"): Kind.MENTIONED,
        ("kronoberg-2017-2018", "Coompanion"): Kind.PARTNER,
        ("vastra-gotaland-2017-2018", "Coompanion"): Kind.PARTNER,
        ("ostgotamodellen", "Regionförbundet Östsam"): Kind.RAN,
        ("messe", "Regionförbundet Östsam"): Kind.TOOK_PART,
        # From the facts: Gävleborg's "samverkanspartner", Örebro's "deltar aktivt", Dalarna's
        # and Västerbotten's partners ("tillsammans med").
        ("gavleborg-2017-2018", "Coompanion Gävleborg"): Kind.PARTNER,
        ("gavleborg-2017-2018", "Samordningsförbund Gävleborg"): Kind.PARTNER,
        ("orebro-lan-2017-2018", "Coompanion"): Kind.TOOK_PART,
        ("orebro-lan-2017-2018", "Activa"): Kind.TOOK_PART,
        ("dalarna-2017-2018", "Kompetensbyrån"): Kind.PARTNER,
        ("dalarna-2017-2018", "Coompanion Dalarna"): Kind.PARTNER,
        ("dalarna-2017-2018", "AB Samarkand2015"): Kind.PARTNER,
        ("vasterbotten-2017-2018", "Coompanion"): Kind.PARTNER,
    }


def test_goals_keep_the_sources_minst(client):
    at_least = Goal.objects.filter(at_least=True).values_list("target_value", flat=True)
    assert sorted(at_least) == [Decimal(5), Decimal(7), Decimal(10)]
    page = client.get("/projekt/starkare-asf-i-jonkopings-lan/").content.decode()
    assert "Mål: minst 10 nya affärsrelationer" in page
    assert "Mål: 3 nya avtal" in page
    assert "<strong>SofiJ</strong>: nämns i källan" in page


@pytest.mark.parametrize(
    "slip", ["2017 - 2018", "2017\u00a0- 2018", "företag, (ASF)", "IVC projektet", "Messe", " - "]
)
def test_the_known_slips_are_not_published(slip):
    """Hyphens for dashes and the sources' typos, corrected in every text the portal shows (the
    sources' own texts stay as published)."""
    for model in portal_models():
        if model is Source:
            continue
        for instance in model.objects.all():
            for name, value in text_values(instance):
                assert slip not in value, (model.__name__, instance.pk, name)


@pytest.mark.parametrize("slug", ["ostgotamodellen", "messe"])
def test_a_projects_region_is_not_its_source_pages_publisher(client, slug):
    """Region Östergötland published the page on Östgötamodellen and MESSE; Regionförbundet
    Östsam ran the one and took part in the other. The pages place them in the county and name
    the publisher only as the source."""
    page = client.get(f"/projekt/{slug}/").content.decode()
    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert ">Län</dt>" in facts and ">Östergötlands län</a>" in facts
    assert "Region Östergötland" not in facts
    assert "Region Östergötland" not in page.split("<article")[0]  # nor the page's description


def entry_citing(excerpts, part, name):
    return next(e for e in excerpts[part] if e.get("fact") and name in e.get("name", e.get("text")))


@pytest.mark.parametrize(
    "part, name, change",
    [
        ("goals", "minst sju kommuner", {"text": "En stödstruktur i minst åtta kommuner."}),
        ("contacts", "Anders Bro", {"role": "Verksamhetschef"}),  # a role no fact gives
        ("contacts", "Anders Bro", {"fact": "projektägare"}),  # a fact that does not name him
        ("organisations", "Activa", {"name": "Stiftelsen Activa Örebro"}),
    ],
)
def test_a_record_that_its_fact_does_not_give_stops_the_build(part, name, change):
    with pytest.raises(NotInSource, match="not in the fact"):
        build(changed_excerpts(lambda excerpts: entry_citing(excerpts, part, name).update(change)))


def test_a_role_its_fact_does_not_give_stops_the_build():
    def change(excerpts):
        entry = next(e for e in excerpts["partnerships"] if e["organisation"] == "activa")
        entry["kind"] = "ran"  # the fact says "deltar aktivt"

    with pytest.raises(NotInSource, match="'ran' without 'drev'"):
        build(changed_excerpts(change))


def test_records_from_facts_cite_the_facts_page_as_a_summary(client):
    page = client.get("/projekt/gavleborg-2017-2018/").content.decode()
    goals = page.split('id="mal-rubrik"')[1].split("</section>")[0]
    assert "Mål: minst 7 kommuner med en stödstruktur" in goals
    assert "<h3>" not in goals  # not "Mål" under "Mål": no source states their kind
    assert "Sammanfattning av Tillväxtverket: " in goals and "Citat ur" not in goals
    partners = page.split("Samverkanspartner och andra organisationer")[1].split("</section>")[0]
    assert "<strong>Coompanion Gävleborg</strong>: samverkanspartner" in partners
    assert "<q>" not in partners and "Sammanfattning av Region Gävleborg: " in partners
    dalarna = client.get("/projekt/?q=Samarkand2015").content.decode()
    assert 'href="/projekt/dalarna-2017-2018/"' in dalarna
