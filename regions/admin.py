from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.forms import BaseInlineFormSet

from regions.models import (
    ActionPlan,
    County,
    Priority,
    Region,
    RegionFigure,
    RegionRole,
    Source,
)
from regions.roles import is_administrator
from regions.scoped_admin import RegionScopedAdmin, VersionedInline


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "page_date", "retrieved_year", "filename"]
    list_filter = ["publisher", "retrieved_year"]
    search_fields = ["title", "publisher", "url", "text"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["source"]


class ActionPlanInline(VersionedInline, admin.StackedInline):
    model = ActionPlan
    extra = 1  # a blank plan where the region has none: it has one at the most
    show_change_link = True


class RegionFigureInline(VersionedInline, admin.TabularInline):
    model = RegionFigure


class RegionRoleFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        # Django's names the field ("user"), in English.
        return "Samma användare står på två rader: en användare har en roll per region."


class RegionRoleInline(admin.TabularInline):
    """Who edits or reads the region. Only administrators hold the permissions to the roles,
    so the admin shows this to nobody else."""

    model = RegionRole
    formset = RegionRoleFormSet
    extra = 0
    verbose_name = "roll"
    verbose_name_plural = "redaktörer och läsare"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # A role only works for an account that may sign in to the admin.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_lookup = "pk"
    list_display = ["short_name", "name", "county", "funded_2017_2018", "updated_at"]
    list_filter = ["funded_2017_2018"]
    list_select_related = ["county"]
    search_fields = ["name", "short_name", "county__name", "county__code"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["county", "source", "description_source"]
    # The projects app adds its contacts' inline (projects/admin.py).
    inlines = [ActionPlanInline, RegionFigureInline, RegionRoleInline]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_administrator(request.user) else {}

    def get_readonly_fields(self, request, obj=None):
        # The slug is a permanent public address; a region's identity is the administrators'.
        if is_administrator(request.user):
            return []
        return ["name", "short_name", "slug", "county", "funded_2017_2018"]


class PriorityInline(VersionedInline, admin.TabularInline):
    model = Priority


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
