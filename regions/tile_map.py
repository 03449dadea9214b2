"""A tile-grid map of Sweden's 21 counties (län) as server-rendered SVG, for
templates/includes/county_map.html: one square per county, placed roughly as on the map, so a
reader finds "their" county without the real borders. Gotland stands one tile out in the sea.
"""

import json
from dataclasses import dataclass
from pathlib import Path

# SVG user units. Five columns make the map 332 units wide, drawn at most 22rem wide: the
# text stays at 12 px or more down to a 320 px phone screen.
TILE_SIZE = 60
TILE_GAP = 6
PADDING = 4  # so the 4-unit focus stroke of an edge tile is not clipped
FONT_SIZE = 14
LINE_HEIGHT = 16
CORNER_RADIUS = 4

# County code -> [column west to east, row north to south, label], a table kept as data. The
# labels are the names Swedes use for their county ("Sörmland", "Jönköping"), not the county
# letters or codes, broken over lines where Swedish hyphenates them ("|"): each line fits a tile
# at 14 units in the widest usual sans-serif (DejaVu Sans). The full name is in each tile's
# <title> and accessible name. Gotland, 09, stands one tile out in the sea.
GRID = json.loads((Path(__file__).parent / "county_tiles.json").read_text("utf-8"))

COLUMNS = max(column for column, _, _ in GRID.values()) + 1
ROWS = max(row for _, row, _ in GRID.values()) + 1
MAP_WIDTH = 2 * PADDING + COLUMNS * TILE_SIZE + (COLUMNS - 1) * TILE_GAP
MAP_HEIGHT = 2 * PADDING + ROWS * TILE_SIZE + (ROWS - 1) * TILE_GAP


@dataclass(frozen=True)
class Tile:
    code: str
    label: str
    column: int
    row: int
    funded: bool
    url: str | None  # the funded region's page, or None
    accessible_name: str

    size: int = TILE_SIZE
    font_size: int = FONT_SIZE
    corner_radius: int = CORNER_RADIUS

    @property
    def x(self):  # top-left corner
        return PADDING + self.column * (TILE_SIZE + TILE_GAP)

    @property
    def y(self):
        return PADDING + self.row * (TILE_SIZE + TILE_GAP)

    @property
    def center_x(self):
        return self.x + self.size // 2

    @property
    def center_y(self):
        return self.y + self.size // 2

    @property
    def label_lines(self):
        """(text, y) of each line of the label, the lines centred on the tile together."""
        lines = self.label.split("|")
        middle = (len(lines) - 1) / 2
        return [(line, self.center_y + (i - middle) * LINE_HEIGHT) for i, line in enumerate(lines)]


def build_tiles(counties):
    """One Tile per county in GRID, in reading order (north to south, west to east), from
    counties with their `regions` prefetched: no queries of its own."""
    tiles = []
    for county in counties:
        if county.code not in GRID:
            continue  # left off the map; the list of regions on the page still shows it
        column, row, label = GRID[county.code]
        region = next((r for r in county.regions.all() if r.funded_2017_2018), None)
        funding = f"{region.name}, finansierad" if region else "ingen region med finansiering"
        tiles.append(
            Tile(
                code=county.code,
                label=label,
                column=column,
                row=row,
                funded=region is not None,
                url=region.get_absolute_url() if region else None,
                accessible_name=f"{county.name}: {funding} 2017–2018",
            )
        )
    # Keyboard focus moves through the linked tiles in this order.
    return sorted(tiles, key=lambda tile: (tile.row, tile.column))


def map_context(counties):
    return {"tiles": build_tiles(counties), "map_width": MAP_WIDTH, "map_height": MAP_HEIGHT}
