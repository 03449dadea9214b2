"""Bar charts drawn on the server as SVG, each a picture of the table the page shows after it.

Each label stands on its own lines above its bar, so a long one (a programme's name) is read
whole and every bar gets the full width. The chart is narrow, so text stays near 13 px on a
360 px phone.
"""

import math
import textwrap
from collections import namedtuple
from dataclasses import dataclass

WIDTH = 360
FONT_SIZE = 14
# A generous guess at an average character's width in the page's sans-serif at FONT_SIZE
# (the browser test checks that every label and value is drawn inside the chart).
CHARACTER_WIDTH = 0.6 * FONT_SIZE
LINE_HEIGHT = 18
LABEL_GAP = 4  # between a label's last line and its bar
BAR_HEIGHT = 16
ROW_GAP = 12
VALUE_GAP = 6
# Room right of the longest bar for its value, up to seven digits.
VALUE_ROOM = VALUE_GAP + math.ceil(7 * CHARACTER_WIDTH)
BAR_AREA = WIDTH - VALUE_ROOM
LABEL_CHARACTERS = int(WIDTH / CHARACTER_WIDTH)


# One line of a label; y is the line's middle, in SVG user units.
Line = namedtuple("Line", ["text", "y"])


@dataclass
class Bar:
    lines: list
    value: int
    y: int
    width: float

    @property
    def text_x(self):  # the value, right of the bar
        return self.width + VALUE_GAP

    @property
    def text_y(self):
        return self.y + BAR_HEIGHT / 2


@dataclass
class BarChart:
    title: str
    bars: list
    width: int
    height: int
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE


def bar_chart(title, rows):
    """rows: (label, value) pairs, drawn as horizontal bars scaled to the largest value."""
    rows = list(rows)  # read twice: any iterable will do
    largest = max((value for _, value in rows), default=0) or 1
    bars = []
    top = 0
    for label, value in rows:
        # A word longer than a line is kept whole.
        texts = textwrap.wrap(str(label), LABEL_CHARACTERS, break_long_words=False) or [""]
        lines = [Line(text, top + (index + 0.5) * LINE_HEIGHT) for index, text in enumerate(texts)]
        y = top + len(texts) * LINE_HEIGHT + LABEL_GAP
        width = round(BAR_AREA * value / largest, 1)
        bars.append(Bar(lines=lines, value=value, y=y, width=width))
        top = y + BAR_HEIGHT + ROW_GAP
    height = max(top - ROW_GAP, LINE_HEIGHT)
    return BarChart(title=title, bars=bars, width=WIDTH, height=height)


def chart_if_worth_drawing(title, rows):
    """A chart of rows, or None where a picture would tell no more than the table after it:
    one bar with the rest empty, or bars all of one length."""
    rows = list(rows)  # read twice: any iterable will do
    values = [value for _, value in rows]
    if sum(1 for value in values if value) < 2 or len(set(values)) < 2:
        return None
    return bar_chart(title, rows)
