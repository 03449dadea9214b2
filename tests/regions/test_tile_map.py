import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from regions import tile_map
from regions.models import County

pytestmark = pytest.mark.django_db

LAN_CSV = Path(settings.BASE_DIR) / "fixtures" / "sources" / "lan.csv"


def county_codes_from_csv():
    with LAN_CSV.open(encoding="utf-8") as handle:
        return {row["lanskod"] for row in csv.DictReader(handle)}


def prefetched_counties():
    return list(County.objects.prefetch_related("regions"))


def tiles_by_code():
    return {tile.code: tile for tile in tile_map.build_tiles(prefetched_counties())}


def render_map():
    return render_to_string("includes/county_map.html", tile_map.map_context(prefetched_counties()))


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, attrs, ancestors)
        self.stack = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self.stack)))
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(self.stack)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> does not close <{self.stack}>"
        self.stack.pop()


def parse(html):
    parser = ElementCollector()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser.elements


def test_grid_covers_exactly_the_21_county_codes():
    codes = county_codes_from_csv()
    assert len(codes) == 21
    assert set(tile_map.GRID) == codes


def test_no_two_counties_share_a_tile():
    places = [(column, row) for column, row, _ in tile_map.GRID.values()]
    assert len(set(places)) == len(places)


def test_grid_reads_like_the_map_of_sweden():
    rows = [row for _, row, _ in tile_map.GRID.values()]
    assert tile_map.GRID["12"][1] == max(rows)  # Skåne at the bottom
    assert tile_map.GRID["25"][1] == min(rows)  # Norrbotten at the top
    assert tile_map.GRID["12"][0] == 0  # Skåne on the west side
    assert tile_map.GRID["17"][0] == 0  # Värmland on the west side
    assert tile_map.GRID["01"][0] > tile_map.GRID["04"][0]  # Stockholm east of Södermanland
    assert tile_map.GRID["09"][0] > tile_map.GRID["08"][0]  # Gotland east of Kalmar


def test_labels_are_the_names_swedes_use_in_lines_that_fit_a_tile():
    labels = {code: label for code, (_, _, label) in tile_map.GRID.items()}
    assert labels["21"] == "Gävle-|borg" and labels["04"] == "Sörm-|land"
    for label in labels.values():
        lines = label.split("|")
        assert 1 <= len(lines) <= 3 and all(1 <= len(line) <= 7 for line in lines), label
    # The lines stay inside their tile: measured in Chromium by tests/browser/test_phone.py.
    tile = tiles_by_code()["22"]
    ys = [y for _, y in tile.label_lines]
    assert [line for line, _ in tile.label_lines] == ["Väster-", "norr-", "land"]
    assert tile.y < ys[0] < tile.center_y == ys[1] < ys[2] < tile.y + tile.size


def test_map_size_follows_the_grid():
    assert tile_map.COLUMNS <= 5
    assert (
        tile_map.MAP_WIDTH
        == (2 * tile_map.PADDING + tile_map.COLUMNS * (tile_map.TILE_SIZE + tile_map.TILE_GAP))
        - tile_map.TILE_GAP
    )
    assert 300 <= tile_map.MAP_WIDTH <= 360
    assert tile_map.FONT_SIZE >= 12
    for tile in tiles_by_code().values():
        assert tile.x >= 0
        assert tile.x + tile.size <= tile_map.MAP_WIDTH
        assert tile.y >= 0
        assert tile.y + tile.size <= tile_map.MAP_HEIGHT


def test_build_tiles_marks_the_12_funded_counties():
    tiles = tiles_by_code()
    assert len(tiles) == 21
    funded = {code for code, tile in tiles.items() if tile.funded}
    assert len(funded) == 12
    for code in funded:
        region = next(r for r in County.objects.get(code=code).regions.all() if r.funded_2017_2018)
        assert tiles[code].url == f"/regioner/{region.slug}/"
        assert f": {region.name}, finansierad" in tiles[code].accessible_name


def test_funded_tiles_link_to_their_region():
    tiles = tiles_by_code()
    assert tiles["07"].url == "/regioner/kronoberg/"
    assert tiles["07"].accessible_name == (
        "Kronobergs län: Region Kronoberg, finansierad 2017–2018"
    )
    assert tiles["08"].url == "/regioner/kalmar-lan/"
    assert tiles["08"].accessible_name == (
        "Kalmar län: Regionförbundet i Kalmar län, finansierad 2017–2018"
    )


def test_a_county_without_a_funded_region_has_no_link():
    stockholm = tiles_by_code()["01"]
    assert stockholm.funded is False
    assert stockholm.url is None
    assert stockholm.accessible_name == ("Stockholms län: ingen region med finansiering 2017–2018")


def test_tiles_come_in_reading_order():
    tiles = tile_map.build_tiles(prefetched_counties())
    positions = [(tile.row, tile.column) for tile in tiles]
    assert positions == sorted(positions)


def test_build_tiles_runs_no_queries_on_prefetched_counties(django_assert_num_queries):
    counties = prefetched_counties()
    with django_assert_num_queries(0):
        tiles = tile_map.build_tiles(counties)
    assert len(tiles) == 21


def test_map_renders_12_links_and_21_titles():
    html = render_map()
    elements = parse(html)
    svgs = [
        attrs
        for tag, attrs, _ in elements
        if tag == "svg" and "county-map" in attrs.get("class", "")
    ]
    assert len(svgs) == 1
    assert svgs[0]["viewbox"] == f"0 0 {tile_map.MAP_WIDTH} {tile_map.MAP_HEIGHT}"

    links = [(attrs, ancestors) for tag, attrs, ancestors in elements if tag == "a"]
    assert len(links) == 12
    assert len(re.findall(r"<a\b", html)) == 12
    for attrs, ancestors in links:
        assert "svg" in ancestors
        assert attrs["aria-label"].endswith(", finansierad 2017–2018")
        assert attrs["href"].startswith("/regioner/")
    assert {
        "href": "/regioner/kronoberg/",
        "aria-label": "Kronobergs län: Region Kronoberg, finansierad 2017–2018",
    }.items() <= next(a for a, _ in links if a["href"] == "/regioner/kronoberg/").items()

    titles = re.findall(r"<title>(.*?)</title>", html)
    assert len(titles) == 21
    assert "Stockholms län: ingen region med finansiering 2017–2018" in titles


def test_map_has_a_caption_pointing_to_the_text_equivalent():
    html = render_map()
    elements = parse(html)
    tags = [tag for tag, _, _ in elements]
    assert tags[0] == "figure"
    assert tags.count("figcaption") == 1
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
    assert "listan över regionerna" in caption
    assert "Ingen region med finansiering 2017–2018" in caption  # the legend


def test_counties_without_a_funded_region_are_hidden_from_screen_readers():
    elements = parse(render_map())
    others = [attrs for tag, attrs, _ in elements if tag == "g" and attrs.get("class") == "other"]
    assert len(others) == 9
    assert all(attrs.get("aria-hidden") == "true" for attrs in others)
