"""A project's years and its status on a day, as both the filters and the facet cells read them."""

from django.db.models import Case, Q, Value, When
from django.db.models.functions import ExtractYear

STATUS_CHOICES = [
    ("pagaende", "Pågående"),
    ("avslutade", "Avslutade"),
    ("kommande", "Kommande"),
]


def year_condition(years):
    """Running in any of the years (start_year, end_year: period_columns())."""
    condition = Q()
    for year in years:
        condition |= Q(start_year__lte=int(year), end_year__gte=int(year))
    return condition


def status_condition(status, today):
    return {
        "pagaende": Q(period_start__lte=today) & (Q(period_end__gte=today) | Q(period_end=None)),
        "avslutade": Q(period_end__lt=today),
        "kommande": Q(period_start__gt=today),
    }[status]


def period_status(today):
    """Which of the STATUS_CHOICES a project is in on `today`; "" without a period."""
    return Case(
        *[When(status_condition(value, today), then=Value(value)) for value, _ in STATUS_CHOICES],
        default=Value(""),
    )


def period_columns(today):
    """A project's years and its status on `today`, as the filters and the facet cells read them."""
    return {
        "start_year": ExtractYear("period_start"),
        "end_year": ExtractYear("period_end"),
        "period_status": period_status(today),
    }
