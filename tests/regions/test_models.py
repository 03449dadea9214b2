import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regions.models import County, Region, RegionFigure
from tests.conftest import make_region, make_source

pytestmark = pytest.mark.django_db


def test_short_names_sort_in_swedish_order():
    source = make_source()
    for short_name in ["Östra", "Zeta", "Åsa", "Ärla", "Alfa"]:
        make_region(
            short_name=short_name,
            name=f"Region {short_name}",
            slug=short_name.lower().replace("ö", "o").replace("å", "a").replace("ä", "a"),
            source=source,
        )
    names = [r.short_name for r in Region.objects.filter(source=source)]
    assert names == ["Alfa", "Zeta", "Åsa", "Ärla", "Östra"]


def test_region_names_use_the_swedish_icu_collation():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'regions_region' AND column_name = 'short_name'"
        )
        assert cursor.fetchone() == ("sv-SE-x-icu",)


def test_region_slug_is_unique():
    region = make_region()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_region(slug=region.slug)
    with pytest.raises(ValidationError) as error:
        Region(
            name="Annan",
            short_name="Annan",
            slug=region.slug,
            county=region.county,
            source=region.source,
        ).full_clean()
    assert "permanent adress finns redan" in str(error.value).lower()


def test_county_code_must_be_two_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        County.objects.create(code="5", name="Fel län", source=make_source())
    with pytest.raises(ValidationError) as error:
        County(code="A5", name="Fel län", source=make_source()).full_clean()
    assert "Länskoden består av två siffror" in str(error.value)


def test_region_description_needs_a_source():
    region = make_region()
    region.description = "En text utan källa."
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "En beskrivning måste ha en källa." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        region.save()


def test_region_figure_cannot_be_negative():
    region = make_region()
    figure = RegionFigure(
        region=region, value=-1, unit="kommuner", statement="x", source=region.source
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert "Värdet kan inte vara negativt." in str(error.value)


def test_a_source_in_use_cannot_be_deleted():
    from django.db.models import ProtectedError

    region = make_region()
    with pytest.raises(ProtectedError):
        region.source.delete()


def test_deleting_a_region_with_projects_is_refused():
    from django.db.models import ProtectedError

    region = Region.objects.get(slug="kronoberg")
    with pytest.raises(ProtectedError):
        region.delete()
