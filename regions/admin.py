from django.contrib import admin
from django.db import models

from projects.models import Contact
from regions.models import ActionPlan, County, Priority, Region, RegionFigure, Source


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


class ActionPlanInline(admin.StackedInline):
    model = ActionPlan
    autocomplete_fields = ["source"]
    show_change_link = True


class RegionFigureInline(admin.TabularInline):
    model = RegionFigure
    extra = 0
    autocomplete_fields = ["source"]


class RegionContactInline(admin.StackedInline):
    model = Contact
    fk_name = "region"
    exclude = ["project"]
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "county", "funded_2017_2018", "updated_at"]
    list_filter = ["funded_2017_2018"]
    list_select_related = ["county"]
    search_fields = ["name", "short_name", "county__name", "county__code"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["county", "source", "description_source"]
    inlines = [ActionPlanInline, RegionFigureInline, RegionContactInline]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "region", "year"]
    list_filter = ["year"]
    list_select_related = ["region"]
    search_fields = ["region__name", "region__short_name", "summary", "priorities__text"]
    autocomplete_fields = ["region", "source"]
    inlines = [PriorityInline]


@admin.register(RegionFigure)
class RegionFigureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "region", "is_approximate"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["unit", "statement", "region__short_name"]
    autocomplete_fields = ["region", "source"]
