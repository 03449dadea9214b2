"""Bar charts drawn on the server as SVG."""

from regions import charts
from regions.charts import bar_chart


def test_bar_chart_scales_to_the_largest_value():
    chart = bar_chart("Test", [("A", 10), ("B", 5), ("C", 0)])
    assert [bar.width for bar in chart.bars] == [charts.BAR_AREA, charts.BAR_AREA / 2, 0]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y < chart.height
    assert bar_chart("Tomt", []).bars == []


def test_a_long_label_is_wrapped_above_its_bar_and_kept_whole():
    label = "Regionala projekt för ökad sysselsättning i ASF 2017–2018"
    bar = bar_chart("Test", [(label, 12)]).bars[0]
    assert len(bar.lines) == 2
    assert " ".join(line.text for line in bar.lines) == label
    assert max(len(line.text) for line in bar.lines) <= charts.LABEL_CHARACTERS
    assert bar.lines[0].y < bar.lines[1].y < bar.y


def test_rows_may_come_from_a_generator():
    rows = [("A", 10), ("B", 5)]
    drawn = charts.chart_if_worth_drawing("Test", (row for row in rows))
    assert drawn == bar_chart("Test", rows)
    assert [bar.width for bar in drawn.bars] == [charts.BAR_AREA, charts.BAR_AREA / 2]
