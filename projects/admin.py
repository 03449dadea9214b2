from django.contrib import admin
from django.db.models import Q

from projects.models import (
    Contact,
    Definition,
    Fact,
    Goal,
    Organisation,
    Partnership,
    Programme,
    Project,
    Theme,
)
from regions.admin import ActionPlanInline, RegionAdmin, RegionFigureInline, RegionRoleInline
from regions.models import Region
from regions.scoped_admin import RegionScopedAdmin, VersionedInline


class GoalInline(VersionedInline, admin.StackedInline):
    model = Goal
    autocomplete_fields = ["source", "report_source"]
    fields = [
        ("kind", "position"),
        "text",
        ("at_least", "target_value", "target_unit"),
        "source",
        ("status", "outcome_value", "reported_on", "report_source"),
        "seen_version",
    ]


class ContactInline(VersionedInline, admin.StackedInline):
    model = Contact
    fk_name = "project"
    exclude = ["region"]


class PartnershipInline(VersionedInline, admin.TabularInline):
    model = Partnership
    autocomplete_fields = ["organisation", "source"]


class FactInline(VersionedInline, admin.StackedInline):
    model = Fact
    fk_name = "project"
    fields = [("topic", "label", "position"), "text", ("kind", "source"), "seen_version"]


class ProgrammeFactInline(FactInline):
    fk_name = "programme"


@admin.register(Project)
class ProjectAdmin(RegionScopedAdmin):
    list_display = [
        "title",
        "region",
        "programme",
        "period_start",
        "period_end",
        "status",
        "updated_at",
    ]
    list_filter = ["status", "programme", "region", "themes", "title_is_editorial"]
    list_select_related = ["region", "programme"]
    search_fields = ["title", "slug", "lead", "purpose", "region__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["region", "programme", "source"]
    filter_horizontal = ["themes"]
    date_hierarchy = "period_start"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [GoalInline, PartnershipInline, ContactInline, FactInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "title_is_editorial",
                    "slug",
                    "status",
                    "region",
                    "programme",
                    "source",
                    "seen_version",
                ]
            },
        ),
        ("Period", {"fields": [("period_start", "period_end", "period_precision")]}),
        ("Beskrivning", {"fields": Project.DESCRIPTION_FIELDS}),
        ("Teman", {"fields": ["themes"]}),
        ("Ändringar", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Goal)
class GoalAdmin(RegionScopedAdmin):
    region_lookup = "project__region"
    list_display = [
        "text",
        "project",
        "kind",
        "target_value",
        "target_unit",
        "status",
        "outcome_value",
    ]
    list_filter = ["kind", "status", "project__region"]
    list_select_related = ["project"]
    search_fields = ["text", "target_unit", "project__title"]
    autocomplete_fields = ["project", "source", "report_source"]


@admin.register(Contact)
class ContactAdmin(RegionScopedAdmin):
    list_display = ["name", "role", "organisation", "phone", "email", "region", "project"]
    list_filter = ["region", "project__region"]
    list_select_related = ["region", "project"]
    search_fields = ["name", "role", "organisation", "email"]
    autocomplete_fields = ["region", "project", "source"]

    def scope(self, region_ids):
        # A contact belongs to a region or to one of the region's projects.
        return Q(region__in=region_ids) | Q(project__region__in=region_ids)

    def region_id_of(self, obj):
        return obj.region_id or getattr(obj.project, "region_id", None)


@admin.register(Partnership)
class PartnershipAdmin(RegionScopedAdmin):
    region_lookup = "project__region"
    list_display = ["organisation", "project"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "project"]
    search_fields = ["organisation__name", "project__title", "role"]
    autocomplete_fields = ["project", "organisation", "source"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "funder"]
    search_fields = ["name", "funder"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["source"]
    inlines = [ProgrammeFactInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["source"]


@admin.register(Definition)
class DefinitionAdmin(admin.ModelAdmin):
    list_display = ["term", "defined_by"]
    search_fields = ["term", "text"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["source"]


class RegionContactInline(ContactInline):
    fk_name = "region"
    exclude = ["project"]


# The region's admin also holds its contacts, which are this app's: extended here, as Django
# documents for another app's admin.
admin.site.unregister(Region)


@admin.register(Region)
class RegionWithContactsAdmin(RegionAdmin):
    inlines = [ActionPlanInline, RegionFigureInline, RegionContactInline, RegionRoleInline]
