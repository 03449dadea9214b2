"""The project list's filters, one FilterSet reused wherever projects are listed, and how many
projects each choice would give (its facet counts)."""

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property

from asf_portal.caching import until_data_changes
from asf_portal.querystrings import without_empty_values
from projects.facet_cells import FacetCell
from projects.models import Programme, Project, Theme
from projects.periods import STATUS_CHOICES, period_columns, year_condition, years_between
from regions.models import Region

SEARCH_MAX_LENGTH = 200


class CountedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes each with the `count` of projects ticking it would list, from `counts`."""

    counts = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["count"] = self.counts.get(str(value), 0)
        option["attrs"]["id"] = f"f-{name}-{value}"
        return option


def project_years(queryset):
    bounds = queryset.aggregate(first=Min("period_start"), last=Max("period_end"))
    if bounds["first"] is None or bounds["last"] is None:
        return []
    years = range(bounds["first"].year, bounds["last"].year + 1)
    return [(str(year), str(year)) for year in years]


@dataclass(frozen=True)
class Facet:
    """How a filter's choices are counted: the columns the projects (and the facet cells) are
    grouped by, the condition chosen values put on them, and the choices a group counts under."""

    columns: list
    condition: Callable
    choices: Callable = lambda value: [value]

    def tally(self, rows):
        counts = Counter()
        for row in rows:
            for choice in self.choices(*(row[column] for column in self.columns)):
                counts[choice] += row["n"]
        return counts


# Each counted filter but the themes (many to a project, counted apart: by the cells' theme, or
# the themes table). A new one needs its columns in FacetCell.COLUMNS too, and a migration.
FACETS = {
    "region": Facet(["region"], lambda regions: Q(region__in=regions)),
    "programme": Facet(["programme"], lambda programmes: Q(programme__in=programmes)),
    "year": Facet(["start_year", "end_year"], year_condition, years_between),
    "status": Facet(["period_status"], lambda statuses: Q(period_status__in=statuses)),
}


def chosen_by_slug(label, model, help_text, unknown):
    # Chosen by slug in the address, matched by the foreign key: no join with the regions or
    # programmes table, so the project_facets index answers.
    return django_filters.ModelMultipleChoiceFilter(
        label=label,
        help_text=help_text,
        error_messages={"invalid_choice": unknown},
        to_field_name="slug",
        queryset=model.objects.all(),
        method="filter_facet",
        widget=CountedCheckboxes,
        distinct=False,
    )


class ProjectFilter(django_filters.FilterSet):
    SORT_CHOICES = [
        ("relevans", "Bäst träff"),
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
        label="Sök i projekten",
        help_text="Ord att söka efter, som i sökrutan på /projekt/. Högst 200 tecken.",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": "Sökningen får vara högst %(limit_value)d tecken, den här har "
            "%(show_value)d."
        },
        widget=forms.SearchInput(attrs={"aria-describedby": "sok-hjalp"}),
    )
    region = chosen_by_slug(
        "Region",
        Region,
        "Regionens id, t.ex. kronoberg. Upprepa för projekt i någon av flera regioner.",
        "Portalen har ingen region som heter ”%(value)s”.",
    )
    theme = chosen_by_slug(
        "Tema",
        Theme,
        "Temats id, t.ex. upphandling-med-social-hansyn. Upprepa för projekt med något av "
        "flera teman.",
        "Portalen har inget tema som heter ”%(value)s”.",
    )
    programme = chosen_by_slug(
        "Finansiär/program",
        Programme,
        "Programmets id, t.ex. eruf. Upprepa för projekt i något av flera program.",
        "Portalen har ingen finansiär som heter ”%(value)s”.",
    )
    # Its choices, the years the listed projects run in, are set per request in __init__.
    year = django_filters.MultipleChoiceFilter(
        label="År",
        help_text="Ett år då projektet pågick, t.ex. 2017. Upprepa för flera år.",
        method="filter_facet",
        widget=CountedCheckboxes,
        error_messages={
            "invalid_choice": "”%(value)s” är inte ett år då något av projekten pågår."
        },
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        help_text="Om projektet pågår, är avslutat eller är kommande i dag, efter dess period.",
        choices=STATUS_CHOICES,
        method="filter_facet",
        widget=CountedCheckboxes,
        error_messages={
            "invalid_choice": "”%(value)s” är ingen status. Välj pågående, avslutade "
            "eller kommande."
        },
    )
    sort = django_filters.ChoiceFilter(
        label="Sortera efter",
        help_text="Ordningen: titel utan sort=, bästa träff först vid sökning med q= (relevans).",
        choices=SORT_CHOICES,
        method="keep",
        empty_label=None,
        error_messages={"invalid_choice": "Listan kan inte sorteras efter ”%(value)s”."},
    )

    class Meta:
        model = Project
        fields = ["q", "region", "theme", "programme", "year", "status", "sort"]

    COUNTED = ["region", "theme", "programme", "year", "status"]

    def __init__(self, data=None, queryset=None, *, counted_from_cells=False, **kwargs):
        if data is not None:
            data = without_empty_values(data)
        today = timezone.localdate()
        queryset = queryset.alias(**period_columns(today))
        super().__init__(data, queryset=queryset, **kwargs)
        # The facet cells count the published projects: right only when those are the list's.
        self.counted_from_cells = counted_from_cells
        self.today = today
        self.years = project_years(self.queryset)
        self.filters["year"].extra["choices"] = self.years

    def filter_search(self, queryset, name, text):
        return queryset.matching(text)

    # Its value typed, and so named, for the API's schema (drf-spectacular) to read: a
    # collection of what the address chose, given there as strings.
    def filter_facet(self, queryset, name, value: Collection):
        if not value:  # none chosen: an empty queryset, which django-filter passes on
            return queryset
        if name == "theme":
            # Exists rather than a join: a project with two chosen themes is listed once.
            tagged = Project.themes.through.objects.filter(project=OuterRef("pk"), theme__in=value)
            return queryset.filter(Exists(tagged))
        return queryset.filter(FACETS[name].condition(value))

    def keep(self, queryset, name, value):
        return queryset  # sorting is applied last, in filter_queryset

    def cleaned(self, name):
        """A filter's valid value; invalid ones are reported, never used."""
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
            return queryset.ranked_by(self.search_text)
        return queryset.order_by(*self.SORT_ORDER[self.sort_key])

    @property
    def form(self):
        form = super().form
        if not self.data.get("q"):  # relevance is offered to a search only
            form.fields["sort"].widget.choices = self.SORT_CHOICES[1:]
        return form

    def counted_fields(self):
        # Every filter whatever its counts: the page runs as many queries whatever the data.
        return [self.form[name] for name in self.COUNTED if name != "year" or self.years]

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
        """The list's length: the chosen (or all) regions' counts, as each project has one."""
        chosen = {region.slug for region in self.cleaned("region") or []}
        return sum(n for slug, n in self.counts["region"].items() if not chosen or slug in chosen)

    @cached_property
    def counts(self):
        """{filter: {choice: projects ticking it would list}}, applying every other filter.
        Kept until the data changes, and the day (which projects are "pågående")."""
        self.is_valid()  # the counts apply the valid filters only
        key = [self.today, *self.selection()]
        counts = until_data_changes("project-facets", key, self.count_choices)
        for name, of_choice in counts.items():
            self.form.fields[name].widget.counts = of_choice
        return counts

    def count_choices(self):
        filtering = [name for name in self.filters if name != "sort"]
        chosen = {name: self.cleaned(name) for name in filtering if self.cleaned(name)}
        if self.cells(chosen) is not None:
            groups = [[name] for name in FACETS]  # from the cells: few rows a facet
        else:
            # From the projects, the facets no filter is chosen for share one grouped query.
            unchosen = [name for name in FACETS if name not in chosen]
            groups = [[name] for name in FACETS if name in chosen]
            groups += [unchosen] if unchosen else []
        counts = {"theme": self.count_themes(without(chosen, "theme"))}
        for names in groups:
            columns = [column for name in names for column in FACETS[name].columns]
            rows = self.grouped(without(chosen, *names), columns)
            counts.update({name: FACETS[name].tally(rows) for name in names})
        return {name: self.by_choice(name, counts[name]) for name in self.COUNTED}

    def grouped(self, chosen, columns):
        """The projects the `chosen` filters list, counted by `columns`."""
        cells = self.cells(chosen)
        if cells is None:
            return self.listed(chosen).counted_by(columns, self.today)
        if "theme" not in chosen:
            cells = cells.filter(theme=None)  # each project once, under no theme
        return cells.counted_by(columns)

    def count_themes(self, chosen):
        cells = self.cells(chosen)
        if cells is not None:
            rows = cells.exclude(theme=None).counted_by(["theme"])
        else:
            tagged = Project.themes.through.objects.filter(project__in=self.listed(chosen))
            rows = tagged.values("theme").annotate(n=Count("*")).order_by()
        return {row["theme"]: row["n"] for row in rows}

    def by_choice(self, name, counts):
        """{choice's value in the address: count}, from counts by id or by value."""
        field = self.form.fields[name]
        if hasattr(field, "queryset"):
            return {
                slug: counts.get(pk, 0) for pk, slug in field.queryset.values_list("pk", "slug")
            }
        return {value: counts.get(value, 0) for value, _ in field.choices}

    def listed(self, chosen):
        queryset = self.queryset.order_by()
        for name, value in chosen.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def cells(self, chosen):
        """The facet cells the `chosen` filters let through; None under a search, or several
        themes (a project with two of them, in two cells, would count twice)."""
        if "q" in chosen or len(chosen.get("theme", [])) > 1 or self.current_cells is None:
            return None
        cells = self.current_cells.order_by()
        for name, value in chosen.items():
            condition = Q(theme__in=value) if name == "theme" else FACETS[name].condition(value)
            cells = cells.filter(condition)
        return cells

    @cached_property
    def current_cells(self):
        return FacetCell.objects.current(self.today) if self.counted_from_cells else None


def without(chosen, *names):
    return {name: value for name, value in chosen.items() if name not in names}


def published_project_filter(params):
    """The filter every list, export and feed uses: drafts never appear, whatever the query."""
    return ProjectFilter(params, queryset=Project.objects.published(), counted_from_cells=True)
