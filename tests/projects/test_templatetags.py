from datetime import date
from decimal import Decimal

import pytest

from projects.models import format_period
from projects.templatetags.portal import number, paragraphs


@pytest.mark.parametrize(
    "value, shown",
    [
        (Decimal("10.00"), "10"),
        (Decimal("2.50"), "2,5"),
        (Decimal("1200"), "1\xa0200"),
        (Decimal("1234567.25"), "1\xa0234\xa0567,25"),
        (None, ""),
    ],
)
def test_numbers_are_shown_in_swedish_style(value, shown):
    assert number(value) == shown


@pytest.mark.parametrize(
    "start, end, precision, shown",
    [
        (date(2017, 1, 1), date(2018, 12, 31), "year", "2017–2018"),
        (date(2017, 1, 1), date(2017, 12, 31), "year", "2017"),
        (date(2017, 3, 1), date(2018, 6, 30), "month", "mars 2017–juni 2018"),
        (date(2017, 1, 1), date(2018, 12, 31), "day", "1 januari 2017–31 december 2018"),
        (date(2017, 1, 1), None, "day", "från 1 januari 2017"),
        (None, None, "year", ""),
    ],
)
def test_periods_are_shown_as_precisely_as_the_source_gives_them(start, end, precision, shown):
    assert format_period(start, end, precision) == shown


def test_paragraphs_and_lists_with_markup_escaped():
    html = paragraphs("Inledning:\n- ett\n- <b>två</b>\n\nSista stycket & slut.")
    assert html == (
        "<p>Inledning:</p>\n<ul><li>ett</li><li>&lt;b&gt;två&lt;/b&gt;</li></ul>\n"
        "<p>Sista stycket &amp; slut.</p>"
    )
