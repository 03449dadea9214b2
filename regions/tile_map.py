"""A tile-grid map of Sweden's 21 counties (län), drawn as server-rendered SVG.

Every county is one square tile. The tiles are placed on a small grid that reads
roughly like the map of Sweden, so a reader can find "their" county without the
real borders:

    col:   0      1      2      3      4
    row 0                Vbott  Nbott
    row 1         Jämt   Vnorr
    row 2         Dala   Gävl
    row 3  Värm   Öreb   Västm  Upps
    row 4  VGöt   Östg   Sörm   Sthlm
    row 5  Hall   Jkpg   Kalm          Gotl
    row 6  Skåne  Kron   Blek

Gotland is left one empty tile out in the sea, east of Kalmar and south-east of
Stockholm, so that it reads as the island it is.

The template is templates/includes/county_map.html; it needs `tiles`,
`map_width` and `map_height`, which map_context() returns together.
"""

from dataclasses import dataclass

# Tile geometry, in SVG user units. With five columns the map is 332 units wide,
# which the stylesheet draws at most 22rem (352 px) wide: FONT_SIZE then stays at
# or above 12 px down to a map about 285 px wide (a 320 px phone screen).
TILE_SIZE = 60
TILE_GAP = 6
# Room around the grid so the 4-unit focus stroke of an edge tile is not clipped.
PADDING = 4
FONT_SIZE = 14
CORNER_RADIUS = 4

# County code -> (column, row). Columns go west to east, rows north to south.
GRID = {
    "25": (3, 0),  # Norrbottens län
    "24": (2, 0),  # Västerbottens län
    "23": (1, 1),  # Jämtlands län
    "22": (2, 1),  # Västernorrlands län
    "20": (1, 2),  # Dalarnas län
    "21": (2, 2),  # Gävleborgs län
    "17": (0, 3),  # Värmlands län
    "18": (1, 3),  # Örebro län
    "19": (2, 3),  # Västmanlands län
    "03": (3, 3),  # Uppsala län
    "14": (0, 4),  # Västra Götalands län
    "05": (1, 4),  # Östergötlands län
    "04": (2, 4),  # Södermanlands län
    "01": (3, 4),  # Stockholms län
    "13": (0, 5),  # Hallands län
    "06": (1, 5),  # Jönköpings län
    "08": (2, 5),  # Kalmar län
    "09": (4, 5),  # Gotlands län, out in the sea
    "12": (0, 6),  # Skåne län
    "07": (1, 6),  # Kronobergs län
    "10": (2, 6),  # Blekinge län
}

# The text on each tile. The official county letters (AB, C, BD, ...) are old
# vehicle-registration codes that most readers do not know, and the two-digit
# länskod means nothing to them either, so each tile shows a short, readable
# abbreviation of the county's name instead, in the forms Swedes commonly use
# ("Sthlm", "Jkpg", "Sörm", "Dala"). At most five characters, so the text fits a
# tile at FONT_SIZE. The full name is always in the tile's <title> and, for the
# linked tiles, in the accessible name.
LABELS = {
    "01": "Sthlm",
    "03": "Upps",
    "04": "Sörm",
    "05": "Östg",
    "06": "Jkpg",
    "07": "Kron",
    "08": "Kalm",
    "09": "Gotl",
    "10": "Blek",
    "12": "Skåne",
    "13": "Hall",
    "14": "VGöt",
    "17": "Värm",
    "18": "Öreb",
    "19": "Västm",
    "20": "Dala",
    "21": "Gävl",
    "22": "Vnorr",
    "23": "Jämt",
    "24": "Vbott",
    "25": "Nbott",
}

COLUMNS = max(column for column, _ in GRID.values()) + 1
ROWS = max(row for _, row in GRID.values()) + 1
MAP_WIDTH = 2 * PADDING + COLUMNS * TILE_SIZE + (COLUMNS - 1) * TILE_GAP
MAP_HEIGHT = 2 * PADDING + ROWS * TILE_SIZE + (ROWS - 1) * TILE_GAP

FUNDING_PERIOD = "2017–2018"


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    label: str
    column: int
    row: int
    x: int  # top-left corner, SVG user units
    y: int
    funded: bool
    url: str | None  # the funded region's page, or None
    region_name: str | None  # the funded region's official name, or None
    accessible_name: str

    size: int = TILE_SIZE
    font_size: int = FONT_SIZE
    corner_radius: int = CORNER_RADIUS

    @property
    def center_x(self):
        return self.x + self.size // 2

    @property
    def center_y(self):
        return self.y + self.size // 2


def tile_position(column, row):
    """The top-left corner of the tile at (column, row), in SVG user units."""
    step = TILE_SIZE + TILE_GAP
    return PADDING + column * step, PADDING + row * step


def accessible_name(county_name, region_name):
    if region_name:
        return f"{county_name}: {region_name}, finansierad {FUNDING_PERIOD}"
    return f"{county_name}: ingen region med finansiering {FUNDING_PERIOD}"


def build_tiles(counties):
    """One Tile per county, in reading order (north to south, west to east).

    `counties` is an iterable of County objects whose `regions` are prefetched
    (County.objects.prefetch_related("regions")); this function runs no queries
    of its own. A county whose code has no place in GRID is left off the map;
    the list of regions on the page still shows it.
    """
    tiles = []
    for county in counties:
        place = GRID.get(county.code)
        if place is None:
            continue
        column, row = place
        x, y = tile_position(column, row)
        funded_region = next(
            (region for region in county.regions.all() if region.funded_2017_2018), None
        )
        region_name = funded_region.name if funded_region else None
        tiles.append(
            Tile(
                code=county.code,
                name=county.name,
                label=LABELS[county.code],
                column=column,
                row=row,
                x=x,
                y=y,
                funded=funded_region is not None,
                url=funded_region.get_absolute_url() if funded_region else None,
                region_name=region_name,
                accessible_name=accessible_name(county.name, region_name),
            )
        )
    # Keyboard focus moves through the linked tiles in this order.
    tiles.sort(key=lambda tile: (tile.row, tile.column))
    return tiles


def map_context(counties):
    """The context that templates/includes/county_map.html expects."""
    return {"tiles": build_tiles(counties), "map_width": MAP_WIDTH, "map_height": MAP_HEIGHT}
