"""A project's years and its status on a day, as both the filters and the facet cells read them."""

from django.db.models import Case, Q, Value, When
from django.db.models.functions import ExtractYear

STATUS_CHOICES = [
    ("pagaende", "Pågående"),
    ("avslutade", "Avslutade"),
    ("kommande", "Kommande"),
]


def period_columns(today):
    """Its first and last year, and which of the STATUS_CHOICES it is in on `today` ("" without
    a period)."""
    ongoing = Q(period_start__lte=today) & (Q(period_end__gte=today) | Q(period_end=None))
    return {
        "start_year": ExtractYear("period_start"),
        "end_year": ExtractYear("period_end"),
        "period_status": Case(
            When(ongoing, then=Value("pagaende")),
            When(period_end__lt=today, then=Value("avslutade")),
            When(period_start__gt=today, then=Value("kommande")),
            default=Value(""),
        ),
    }


def year_condition(years):
    """Running in any of the years."""
    condition = Q()
    for year in years:
        condition |= Q(start_year__lte=int(year), end_year__gte=int(year))
    return condition


def years_between(start_year, end_year):
    """The years a project counts under: every year it runs in."""
    if start_year is None or end_year is None:
        return []
    return [str(year) for year in range(start_year, end_year + 1)]
