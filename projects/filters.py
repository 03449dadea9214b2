"""The project list's filters, one FilterSet reused wherever projects are listed."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db import connections
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property

from asf_portal.caching import until_data_changes
from asf_portal.querystrings import without_empty_values
from projects.facet_cells import current_cells
from projects.models import Programme, Project, Theme, search_hits
from projects.periods import STATUS_CHOICES, period_status, status_condition, year_condition
from regions.models import Region

SEARCH_MAX_LENGTH = 200

Checkboxes = forms.CheckboxSelectMultiple


def project_years(queryset):
    """Every year some project of the queryset runs in, for the year filter's choices."""
    # Plain min and max of the dates, which the period index answers without a scan.
    bounds = queryset.aggregate(first=Min("period_start"), last=Max("period_end"))
    if bounds["first"] is None or bounds["last"] is None:
        return []
    years = range(bounds["first"].year, bounds["last"].year + 1)
    return [(str(year), str(year)) for year in years]


class ProjectFilter(django_filters.FilterSet):
    SORT_CHOICES = [
        ("relevans", "Relevans (vid sökning)"),
        ("titel", "Titel"),
        ("period", "Period"),
        ("region", "Region"),
    ]
    USUAL_SORT = "titel"
    SORT_ORDER = {
        "titel": ["title", "pk"],
        "period": ["period_start", "period_end", "title", "pk"],
        "region": ["region__short_name", "title", "pk"],
    }

    q = django_filters.CharFilter(
        label="Sök i projekten", method="filter_search", max_length=SEARCH_MAX_LENGTH
    )
    # Chosen by slug in the address, matched by the foreign key: no join with the regions or
    # programmes table, so the project_facets index answers. A project has one region and
    # one programme, and themes match through Exists: no duplicates to remove, and DISTINCT
    # would drag every column into the counts.
    region = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label="Region",
        to_field_name="slug",
        queryset=Region.objects.all(),
        method="filter_region",
        widget=Checkboxes,
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label="Tema",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        method="filter_theme",
        widget=Checkboxes,
    )
    programme = django_filters.ModelMultipleChoiceFilter(
        distinct=False,
        label="Finansiär/program",
        to_field_name="slug",
        queryset=Programme.objects.all(),
        method="filter_programme",
        widget=Checkboxes,
    )
    # Its choices, the years the listed projects run in, are set per request in __init__.
    year = django_filters.MultipleChoiceFilter(label="År", method="filter_year", widget=Checkboxes)
    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=STATUS_CHOICES, method="filter_status", widget=Checkboxes
    )
    sort = django_filters.ChoiceFilter(
        label="Sortera efter", choices=SORT_CHOICES, method="keep", empty_label=None
    )

    class Meta:
        model = Project
        fields = ["q", "region", "theme", "programme", "year", "status", "sort"]

    def __init__(self, data=None, queryset=None, *, counted_from_cells=False, **kwargs):
        if data is not None:
            data = without_empty_values(data)
        super().__init__(data, queryset=queryset, **kwargs)
        # The facet cells count the published projects: right only when those are the list's.
        self.counted_from_cells = counted_from_cells
        self.years = project_years(self.queryset)
        self.filters["year"].extra["choices"] = self.years

    def filter_search(self, queryset, name, text):
        # text is self.search_text. Searched once, however many counts apply the search.
        return queryset.filter(pk__any=self.search_hits.ids)

    @cached_property
    def search_hits(self):
        return search_hits(self.search_text)

    def filter_region(self, queryset, name, regions):
        return queryset.filter(region__in=regions) if regions else queryset

    def filter_programme(self, queryset, name, programmes):
        return queryset.filter(programme__in=programmes) if programmes else queryset

    def filter_theme(self, queryset, name, themes):
        # Exists rather than a join, so a project with two chosen themes is listed once.
        if not themes:
            return queryset
        tagged = Project.themes.through.objects.filter(project=OuterRef("pk"), theme__in=themes)
        return queryset.filter(Exists(tagged))

    def filter_year(self, queryset, name, years):
        return queryset.filter(year_condition(years)) if years else queryset

    def filter_status(self, queryset, name, statuses):
        return queryset.filter(any_status_condition(statuses)) if statuses else queryset

    def keep(self, queryset, name, value):
        return queryset  # sorting is applied last, in filter_queryset

    def cleaned(self, name):
        """A filter's valid value; invalid ones are reported on the page, never used."""
        self.is_valid()
        return getattr(self.form, "cleaned_data", {}).get(name)

    @property
    def search_text(self):
        return self.cleaned("q") or ""

    @property
    def sort_key(self):
        requested = self.cleaned("sort")
        if requested == "relevans" and not self.search_text:
            requested = ""
        return requested or ("relevans" if self.search_text else self.USUAL_SORT)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.sort_key == "relevans":
            return queryset.ranked_by(self.search_text, self.search_hits)
        return queryset.order_by(*self.SORT_ORDER[self.sort_key])

    def error_messages(self):
        """What could not be used, as (filter label, Swedish message) pairs."""
        return [
            (self.filters[name].label if name in self.filters else name, message)
            for name, messages in self.errors.items()
            for message in messages
        ]

    def lists_every_project(self):
        """No filter chosen, in the usual order: the same list for everyone."""
        return not self.selection() and self.sort_key == self.USUAL_SORT

    def selection(self):
        """The filters chosen, in a stable order: what the list and its counts depend on."""
        chosen = [name for name in self.filters if name != "sort" and self.data.getlist(name)]
        return [(name, sorted(self.data.getlist(name))) for name in sorted(chosen)]

    def count(self):
        """How many projects the filters give, read off the region facet's counts.

        Each project has exactly one region, and a region's count applies every other filter,
        so the chosen regions' counts (every region's, when none is chosen) add up to the
        list's length: no query of its own.
        """
        chosen = {region.slug for region in self.cleaned("region") or []}
        region_facet = next(facet for facet in self.facets if facet.name == "region")
        return sum(
            option.count for option in region_facet.options if not chosen or option.value in chosen
        )

    @cached_property
    def facets(self):
        """For each filter, its choices and how many projects each would give.

        A choice's count applies every other filter, so it says what ticking it would show.
        Counting is the costly part of the list, so it is kept until the data changes (and
        counted once per request whatever the cache: count() reads it too).
        """
        self.is_valid()  # the counts apply the valid filters only
        # Today's date too: which projects are "pågående" depends on it.
        key = [timezone.localdate(), *self.selection()]
        return until_data_changes("project-facets", key, self._facets)

    def _facets(self):
        regions = Region.objects.all()
        themes = Theme.objects.all()
        programmes = Programme.objects.all()
        counts = {
            "region": self._kept("region", lambda: self._count_by("region", regions)),
            "theme": self._kept("theme", lambda: self._count_by("theme", themes)),
            "programme": self._kept("programme", lambda: self._count_by("programme", programmes)),
            "year": self._kept("year", lambda: self._count_each("year", self.years)),
            "status": self._kept("status", lambda: self._count_each("status", STATUS_CHOICES)),
        }
        choices = {
            "region": [(region.slug, region.short_name) for region in regions],
            "theme": [(theme.slug, theme.name) for theme in themes],
            "programme": [(programme.slug, programme.name) for programme in programmes],
            "year": self.years,
            "status": STATUS_CHOICES,
        }
        return [
            Facet(
                name=name,
                label=self.filters[name].label,
                options=[
                    FacetOption(
                        value=value,
                        label=label,
                        count=counts[name].get(value, 0),
                        selected=value in self.data.getlist(name),
                    )
                    for value, label in choices[name]
                ],
            )
            for name in ["region", "theme", "programme", "year", "status"]
        ]

    def _kept(self, name, count):
        """One facet's counts, kept until the data changes under every filter but its own,
        which is all they depend on: ticking a region reuses the region counts of the list
        without one, and so on."""
        others = [(other, values) for other, values in self.selection() if other != name]
        return until_data_changes(f"facet-{name}", [timezone.localdate(), *others], count)

    def _chosen_but(self, name):
        """{filter: value} of every valid filter given a value, but `name` and the sort."""
        return {
            filter_name: value
            for filter_name, value in getattr(self.form, "cleaned_data", {}).items()
            if value and filter_name not in {name, "sort"}
        }

    def _without(self, name):
        """The list with every valid filter applied but one, unsorted."""
        queryset = self.queryset.order_by()
        for filter_name, value in self._chosen_but(name).items():
            queryset = self.filters[filter_name].filter(queryset, value)
        return queryset

    def _count_by(self, name, choices):
        """{slug: count} for a region, theme or programme filter's choices.

        Grouped by the foreign key, so no count joins the table of the choices. From the
        projects, the project_facets index can answer without reading them. Each project
        appears once per value it is counted under (one region, one programme, each of its
        themes once), so a plain count is right, and needs no sort.
        """
        cells = self._cells_without(name)
        if cells is not None:
            rows = cells.values_list(name).annotate(n=Sum("projects")).order_by()
        elif name in self._counted_together:
            rows = self._counted_together[name]
        elif name == "theme":
            listed = self._without(name)
            rows = Project.themes.through.objects.filter(project__in=listed).values_list("theme")
            rows = rows.annotate(n=Count("*")).order_by()
        else:
            rows = self._without(name).values_list(name).annotate(n=Count("*")).order_by()
        counted = dict(rows)
        return {choice.slug: counted.get(choice.pk, 0) for choice in choices}

    def _count_each(self, name, choices):
        """{value: count} for each of a year or status filter's choices, in one grouped query
        (or the pass counted together): from the cells, or from the projects with their status
        and years worked out alike."""
        if not choices:
            return {}
        cells = self._cells_without(name)
        if cells is not None:
            rows = cells.values(**FROM_CELLS[name]).annotate(n=Sum("projects"))
            rows = rows.values_list(*FROM_CELLS[name], "n")
        elif name in self._counted_together:
            rows = self._counted_together[name]
        else:
            columns = projects_grouped_by(name, timezone.localdate())
            rows = self._without(name).values(**columns).annotate(n=Count("*"))
            rows = rows.values_list(*columns, "n")
        if name == "status":
            return dict(rows)
        # A few dozen spans of years, each counted under every year it covers.
        spans = list(rows)
        return {
            value: sum(n for start, end, n in spans if start and end and start <= int(value) <= end)
            for value, _ in choices
        }

    @cached_property
    def _counted_together(self):
        """The counts of the region, programme, year and status facets that no one chose, in
        one grouped query of the projects, where the cells cannot count them (under a search).

        Each of them applies every filter chosen, so all of them count the same projects: one
        pass over a common word's tens of thousands of matches rather than one for each.
        {facet: its rows, as its own grouped query would give them}.
        """
        unchosen = [name for name in FACET_COLUMNS if name not in self._chosen_but("sort")]
        if not unchosen or self._cells_without(unchosen[0]) is not None:
            return {}
        # The foreign keys by their field names, a year's or status's expressions by theirs.
        fields = [name for name in unchosen if name in {"region", "programme"}]
        expressions = {}
        for name in unchosen:
            expressions.update(projects_grouped_by(name, timezone.localdate()))
        projects = self._without(unchosen[0]).values(*fields, **expressions)
        return counted_in_one_pass(projects, {name: FACET_COLUMNS[name] for name in unchosen})

    def _cells_without(self, name):
        """The facet cells of the projects that every valid filter but one lets through.

        None where the cells cannot tell: under a search, and for projects with any of several
        themes (a project with two of them is in two theme cells, and would count twice).
        """
        chosen = self._chosen_but(name)
        themes = chosen.pop("theme", [])
        if "q" in chosen or len(themes) > 1 or self.current_cells is None:
            return None
        if name == "theme":
            cells = self.current_cells.filter(theme__isnull=False)
        else:
            cells = self.current_cells.filter(theme=themes[0] if themes else None)
        for filter_name, value in chosen.items():
            cells = cells.filter(CELL_CONDITIONS[filter_name](value))
        return cells.order_by()

    @cached_property
    def current_cells(self):
        if not self.counted_from_cells:
            return None
        return current_cells(timezone.localdate())


def counted_in_one_pass(rows, groupings):
    """{name: [(*values, count)]}: the rows counted by each of the groupings, {name: [column,
    ...]}, in one pass with PostgreSQL's GROUPING SETS, which Django's ORM doesn't write."""
    connection = connections[rows.db]
    names = list(groupings)
    columns = [column for name in names for column in groupings[name]]
    quoted = [connection.ops.quote_name(column) for column in columns]
    position = {column: number for number, column in enumerate(columns)}
    sets = ", ".join(
        "(" + ", ".join(quoted[position[column]] for column in groupings[name]) + ")"
        for name in names
    )
    # GROUPING(column) is 0 in the rows grouped by that column. Each grouping's first column
    # tells its rows apart: the data's own NULLs (a project with no period has no years)
    # could not.
    flags = ", ".join(f"GROUPING({quoted[position[groupings[name][0]]]})" for name in names)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {flags}, {', '.join(quoted)}, COUNT(*) FROM ({sql}) AS listed "
            f"GROUP BY GROUPING SETS ({sets})",
            params,
        )
        counted = {name: [] for name in names}
        for row in cursor.fetchall():
            grouped_by, values, count = row[: len(names)], row[len(names) : -1], row[-1]
            name = names[grouped_by.index(0)]
            own = (values[position[column]] for column in groupings[name])
            counted[name].append((*own, count))
    return counted


def published_project_filter(params):
    """The project list's filter over published projects, as every list, export and feed uses it.

    Drafts never appear, whatever the query string says.
    """
    return ProjectFilter(params, queryset=Project.objects.published(), counted_from_cells=True)


def any_status_condition(statuses):
    today = timezone.localdate()
    condition = Q()
    for status in statuses:
        condition |= status_condition(status, today)
    return condition


# What each filter but the search and the themes keeps of the facet cells, as its filter_
# method keeps of the projects. The cells were made for today: their status is today's.
CELL_CONDITIONS = {
    "region": lambda regions: Q(region__in=regions),
    "programme": lambda programmes: Q(programme__in=programmes),
    "year": lambda years: year_condition(years, "start_year", "end_year"),
    "status": lambda statuses: Q(period_status__in=statuses),
}


# The facets counted by the projects' own columns, and the names of what each groups them by.
FACET_COLUMNS = {
    "region": ["region"],
    "programme": ["programme"],
    "year": ["first", "last"],
    "status": ["group"],
}
# The year and status facets' groups in the facet cells ...
FROM_CELLS = {
    "year": {"first": F("start_year"), "last": F("end_year")},
    "status": {"group": F("period_status")},
}


def projects_grouped_by(name, today):
    """... and in the projects, their years and status worked out as the cells' were."""
    if name == "year":
        return {"first": ExtractYear("period_start"), "last": ExtractYear("period_end")}
    if name == "status":
        return {"group": period_status(today)}
    return {}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list
