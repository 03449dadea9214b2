"""The admin of the regions' content. A regional editor or reader sees only their regions'
content wherever the admin reaches it, and changes only that of the regions they edit. Forms
lose no edits (regions.versioned_forms); history is seen by whoever may see a record, and
administrators alone restore from it, deleted records included."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from regions.roles import editable_region_ids, is_administrator, viewable_region_ids
from regions.versioned_forms import (
    InlineVersionCheckedForm,
    VersionCheckedForm,
    VersionedInlineFormSet,
    versions_of,
)

# Bulk actions would change many records past the version check: none are offered.
admin.site.disable_action("delete_selected")


# Where an admin of Versioned content lists its fields, it lists the version check's hidden
# "seen_version" too: the admin renders only the fields listed.
class VersionedInline:
    form = InlineVersionCheckedForm
    formset = VersionedInlineFormSet
    extra = 0  # a blank row only when asked for
    autocomplete_fields = ["source"]  # every versioned row cites its source


class RegionScopedAdmin(SimpleHistoryAdmin):
    """An admin for content that belongs to a region, reached through `region_lookup`."""

    region_lookup = "region"
    form = VersionCheckedForm
    change_list_template = "admin/versioned_change_list.html"
    history_list_display = ["version"]
    # simple-history's pages in Swedish; a version links to its restore form only for those
    # who may restore.
    object_history_template = "admin/version_history.html"
    object_history_list_template = "admin/version_history_list.html"
    object_history_form_template = "admin/version_restore_form.html"

    def region_ids(self, request, editable=False):
        """The regions whose content the user sees, or with `editable` changes; None: all."""
        attribute = "_editable_region_ids" if editable else "_viewable_region_ids"
        if not hasattr(request, attribute):
            find = editable_region_ids if editable else viewable_region_ids
            setattr(request, attribute, find(request.user))
        return getattr(request, attribute)

    def scope(self, region_ids):
        return Q(**{f"{self.region_lookup}__in": region_ids})

    def scoped(self, request, queryset, editable=False):
        region_ids = self.region_ids(request, editable)
        return queryset if region_ids is None else queryset.filter(self.scope(region_ids))

    def region_id_of(self, obj):
        *path, last = self.region_lookup.split("__")
        for step in path:
            obj = getattr(obj, step, None)
            if obj is None:  # a link not set yet: no region
                return None
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id", None)

    def in_scope(self, request, obj, editable=False):
        region_ids = self.region_ids(request, editable)
        return obj is None or region_ids is None or self.region_id_of(obj) in region_ids

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self.in_scope(request, obj, editable=True)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self.in_scope(request, obj, editable=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices of content that belongs to a region (a region, a project, an action plan):
        only the user's own regions', as the chosen model's own admin scopes them."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = db_field.related_model
        if self.admin_site.is_registered(related):
            related_admin = self.admin_site.get_model_admin(related)
            if isinstance(related_admin, RegionScopedAdmin):
                field.queryset = related_admin.scoped(request, field.queryset, editable=True)
        return field

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Autocomplete offers choices for a form: only what the user may put there.
            queryset = self.scoped(request, queryset, editable=True)
        return queryset, may_have_duplicates

    def get_urls(self):
        opts = self.model._meta
        deleted = path(
            "borttagna/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{opts.app_label}_{opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring is the administrators' alone (simple-history's view lets anyone who may
        # view the record save an old version of it).
        if not is_administrator(request.user):
            raise PermissionDenied
        # The version check locks the record, which takes a transaction: Django's change view
        # runs in one, simple-history's restore view does not.
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                # A deleted record has no row to lock: two administrators restoring it at once
                # would both insert it, and the second fail. Its versions are locked instead, so
                # the second waits, then finds it restored and is refused like any stale save.
                versions = versions_of(self.model, unquote(object_id))
                list(versions.select_for_update().values_list("pk", flat=True))
            return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view_title(self, request, obj):
        return f"Historik: {obj}"

    def history_form_view_title(self, request, obj):
        return f"Återställ {obj}"

    def revert_disabled(self, request, obj=None):
        return not is_administrator(request.user) or super().revert_disabled(request, obj)

    def deleted_view(self, request):
        """Deleted records the user may see, each with a link to its history to restore it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        existing = self.model._default_manager.values("pk")
        history = self.model.history.filter(history_type="-").exclude(
            **{f"{self.model._meta.pk.attname}__in": existing}
        )
        history = self.scoped(request, history.select_related("history_user"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Borttagna {self.model._meta.verbose_name_plural}",
            "records": history.order_by("-history_date")[:200],
            "may_restore": is_administrator(request.user),
        }
        return render(request, "admin/deleted_records.html", context)


def view_on_site(request, content_type_id, object_id):
    """The admin's "Visa på webbplatsen" for the records the user may see only: Django's own
    would let an editor preview another region's draft."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type and content_type.model_class()
    if model is None or not admin.site.is_registered(model):
        raise Http404("Posten finns inte.")
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("Posten finns inte.")
    return shortcut(request, content_type_id, object_id)
