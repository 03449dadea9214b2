from django.contrib import admin
from django.db import models

from projects.models import Contact
from regions.admin_base import RegionScopedAdmin, ScopedInline, VersionedInline
from regions.models import ActionPlan, County, Priority, Region, RegionFigure, Source
from regions.roles import is_administrator


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "retrieved_year", "filename"]
    list_filter = ["publisher", "retrieved_year"]
    search_fields = ["title", "publisher", "text"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["source"]


class ActionPlanInline(VersionedInline, admin.StackedInline):
    model = ActionPlan
    autocomplete_fields = ["source"]
    show_change_link = True


class RegionFigureInline(VersionedInline, admin.TabularInline):
    model = RegionFigure
    extra = 0
    autocomplete_fields = ["source"]


class RegionContactInline(ScopedInline, admin.StackedInline):
    model = Contact
    fk_name = "region"
    exclude = ["project"]
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_lookup = "pk"
    list_display = ["short_name", "name", "county", "funded_2017_2018", "updated_at"]
    list_filter = ["funded_2017_2018"]
    list_select_related = ["county"]
    search_fields = ["name", "short_name", "county__name", "county__code"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["county", "source", "description_source"]
    filter_horizontal = ["editors"]
    inlines = [ActionPlanInline, RegionFigureInline, RegionContactInline]

    def get_exclude(self, request, obj=None):
        # Only administrators decide who edits a region.
        return [] if is_administrator(request.user) else ["editors"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_administrator(request.user) else {}

    def get_readonly_fields(self, request, obj=None):
        # The slug is a permanent public address; a region's identity is the administrators'.
        if is_administrator(request.user):
            return []
        return ["name", "short_name", "slug", "county", "funded_2017_2018"]


class PriorityInline(VersionedInline, admin.TabularInline):
    model = Priority
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(ActionPlan)
class ActionPlanAdmin(RegionScopedAdmin):
    list_display = ["__str__", "region", "year"]
    list_filter = ["year"]
    list_select_related = ["region"]
    search_fields = ["region__name", "region__short_name", "summary", "priorities__text"]
    autocomplete_fields = ["region", "source"]
    inlines = [PriorityInline]


@admin.register(Priority)
class PriorityAdmin(RegionScopedAdmin):
    region_lookup = "action_plan__region"
    list_display = ["text", "action_plan", "position"]
    list_select_related = ["action_plan__region"]
    search_fields = ["text", "action_plan__region__short_name"]
    autocomplete_fields = ["action_plan", "source"]


@admin.register(RegionFigure)
class RegionFigureAdmin(RegionScopedAdmin):
    list_display = ["__str__", "region", "is_approximate"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["unit", "statement", "region__short_name"]
    autocomplete_fields = ["region", "source"]
