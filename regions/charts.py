"""Bar charts drawn on the server as SVG: no charting service, no JavaScript.

Each chart is a picture of a table that the page shows right after it, so the numbers are
always there as text too.
"""

from dataclasses import dataclass

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 150
BAR_AREA = 260
VALUE_GAP = 6
WIDTH = LABEL_WIDTH + BAR_AREA + 50


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float
    text_x: float
    text_y: float


@dataclass
class BarChart:
    title: str
    bars: list
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(title, rows):
    """rows: (label, value) pairs, drawn as horizontal bars scaled to the largest value."""
    rows = list(rows)
    largest = max((value for _, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        width = round(BAR_AREA * value / largest, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y,
                width=width,
                text_x=LABEL_WIDTH + width + VALUE_GAP,
                text_y=y + BAR_HEIGHT / 2,
            )
        )
    return BarChart(title=title, bars=bars, width=WIDTH, height=max(len(rows), 1) * ROW_HEIGHT)
