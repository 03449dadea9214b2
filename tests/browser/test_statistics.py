"""The statistics' bar charts as Chromium draws them: every bar as long as its number in the
table says, every label and value read whole, inside the chart, at desktop and phone widths."""

import pytest

pytestmark = pytest.mark.browser

# Each chart's title (its aria-label, before ". Siffrorna …") and the table column it draws.
CHART_COLUMNS = {
    "Projekt i programmet 2017–2018 per region": (
        "Projekt och mål per region",
        "Projekt i programmet 2017–2018",
    ),
    "Mål i regionernas projekt": ("Projekt och mål per region", "Mål"),
    "Publicerade projekt per finansiär/program": (
        "Projekt och mål per finansiär/program",
        "Projekt",
    ),
}

# For every chart: each bar's drawn width in CSS pixels, with the texts before it (its
# label) and after it (its value), and what is wrong with how those texts are drawn: a
# character outside the chart, or out of reading order (a coordinate the browser could not
# read puts the characters after the first somewhere else), or a text not drawn at all.
DRAWN_CHARTS = """() => {
    const inside = (box, area) => box.x >= -0.5 && box.y >= -0.5
        && box.x + box.width <= area.width + 0.5 && box.y + box.height <= area.height + 0.5;
    const whole = (text) => text.textContent.replace(/\\s+/g, ' ').trim();
    return [...document.querySelectorAll('svg.bar-chart')].map((svg) => {
        const area = svg.viewBox.baseVal;
        const problems = [];
        const bars = [...svg.querySelectorAll('rect')].map((rect) => {
            const texts = {label: rect.previousElementSibling, value: rect.nextElementSibling};
            const lines = {label: 0, value: 0};
            for (const [kind, text] of Object.entries(texts)) {
                if (!(text.getComputedTextLength() > 0)) {
                    problems.push(`${kind} "${whole(text)}" is not drawn`);
                }
                let previous = null;
                for (let i = 0; i < text.getNumberOfChars(); i++) {
                    if (!inside(text.getExtentOfChar(i), area)) {
                        problems.push(`${kind} "${whole(text)}": character ${i} outside the chart`);
                    }
                    const start = text.getStartPositionOfChar(i);
                    const sameLine = previous && Math.abs(start.y - previous.y) <= 0.5;
                    if (!sameLine) lines[kind] += 1;
                    const backwards = sameLine && start.x <= previous.x;
                    if (previous && (start.y < previous.y - 0.5 || backwards)) {
                        problems.push(`${kind} "${whole(text)}": character ${i} out of order`);
                    }
                    previous = start;
                }
            }
            return {
                label: whole(texts.label),
                labelLines: lines.label,
                value: whole(texts.value),
                valueLines: lines.value,
                width: rect.getBoundingClientRect().width,
            };
        });
        return {
            title: svg.getAttribute('aria-label').split('. Siffrorna')[0],
            drawnWidth: svg.getBoundingClientRect().width,
            problems,
            bars,
        };
    });
}"""

# A table's rows, by its caption: {column header: cell text} for each row, its header cell
# under the first column's name. Soft hyphens are where a word may break, not text.
TABLE_ROWS = """(caption) => {
    const text = (cell) => cell.textContent.replace(/\\u00ad/g, '').replace(/\\s+/g, ' ').trim();
    const table = [...document.querySelectorAll('table')]
        .find((table) => table.caption && text(table.caption) === caption);
    const headers = [...table.tHead.rows[0].cells].map(text);
    return [...table.tBodies[0].rows].map(
        (row) => Object.fromEntries([...row.cells].map((cell, i) => [headers[i], text(cell)]))
    );
}"""


@pytest.mark.parametrize("width", [1280, 360])
def test_bars_and_labels_are_drawn_as_the_tables_say(portal, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(portal.url + "/statistik/")
    screenshot(page, f"statistik-diagram-{width}px")
    charts = page.evaluate(DRAWN_CHARTS)
    assert len(charts) == len(CHART_COLUMNS)

    for chart in charts:
        # Drawn right: no text scattered or cut, whatever the numbers.
        assert chart["problems"] == [], chart["title"]
        assert chart["bars"], chart["title"]

    for chart in charts:
        assert_bars_match_table(page, chart, *CHART_COLUMNS[chart["title"]])
        # The longest bar uses most of the chart.
        longest = max(bar["width"] for bar in chart["bars"])
        assert longest > chart["drawnWidth"] / 2, chart["title"]


def assert_bars_match_table(page, chart, caption, column):
    """The chart's bars are the table's rows: the same labels and values in the same order,
    each bar as long as its value."""
    rows = page.evaluate(TABLE_ROWS, caption)
    label_column = next(iter(rows[0]))
    assert [bar["label"] for bar in chart["bars"]] == [row[label_column] for row in rows]
    values = [int(row[column]) for row in rows]
    assert [bar["value"] for bar in chart["bars"]] == [str(value) for value in values]
    longest = max(bar["width"] for bar in chart["bars"])
    pixels_per_unit = longest / max(values)
    for bar, value in zip(chart["bars"], values, strict=True):
        assert bar["width"] == pytest.approx(value * pixels_per_unit, abs=1), (chart["title"], bar)


def test_the_charts_vary_where_the_data_does(portal, page):
    """The data behind the check above has bars of different lengths, a zero, a two-digit
    value and a label long enough to wrap: a check of equal bars would prove little."""
    page.goto(portal.url + "/statistik/")
    charts = {chart["title"]: chart for chart in page.evaluate(DRAWN_CHARTS)}
    goals = {bar["label"]: bar for bar in charts["Mål i regionernas projekt"]["bars"]}
    assert goals["Jönköpings län"]["value"] == "10"
    assert goals["Kronoberg"]["value"] == "1"
    assert goals["Dalarna"]["value"] == "0"
    assert goals["Dalarna"]["width"] < 0.5
    assert goals["Jönköpings län"]["width"] == pytest.approx(10 * goals["Kronoberg"]["width"])
    programmes = {
        bar["label"]: bar for bar in charts["Publicerade projekt per finansiär/program"]["bars"]
    }
    assert programmes["Regionala projekt för ökad sysselsättning i ASF 2017–2018"]["labelLines"] > 1
    assert goals["Jönköpings län"]["valueLines"] == 1
