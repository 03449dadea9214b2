"""A project's years and its status on a given day: what the list's filters match and what the
facet cells are counted by, so both mean the same."""

from django.db.models import Case, Q, Value, When

STATUS_CHOICES = [
    ("pagaende", "Pågående"),
    ("avslutade", "Avslutade"),
    ("kommande", "Kommande"),
]


def year_condition(years):
    """Running in any of the years: its first year at most and its last at least one of them
    (a facet cell's years, or a project's as projects.facet_cells.columns() names them)."""
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
    """Which of the STATUS_CHOICES a project is in on `today`: "" for a project without a
    period, which is none of them. (A period can't both have ended and be still to come.)"""
    return Case(
        *[When(status_condition(value, today), then=Value(value)) for value, _ in STATUS_CHOICES],
        default=Value(""),
    )
