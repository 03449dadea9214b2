"""The admin of Versioned content: forms that lose no edits, and history that whoever may see
a record sees, and administrators alone restore from, deleted records included."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.shortcuts import render
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from regions.roles import is_administrator
from regions.versioned_forms import (
    InlineVersionCheckedForm,
    VersionCheckedForm,
    VersionedInlineFormSet,
)


class SeenVersionFieldsets:
    def get_fieldsets(self, request, obj=None):
        # The hidden version field must be rendered also where the fields are listed.
        fieldsets = super().get_fieldsets(request, obj)
        if any("seen_version" in options["fields"] for _, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]


class VersionedInline(SeenVersionFieldsets):
    form = InlineVersionCheckedForm
    formset = VersionedInlineFormSet


class VersionedAdmin(SeenVersionFieldsets, SimpleHistoryAdmin):
    form = VersionCheckedForm
    # Bulk actions would change many records past the version check: not offered.
    actions = None
    change_list_template = "admin/versioned_change_list.html"
    history_list_display = ["version"]
    # simple-history's pages in Swedish; a version links to its restore form only for those
    # who may restore.
    object_history_template = "admin/version_history.html"
    object_history_list_template = "admin/version_history_list.html"
    object_history_form_template = "admin/version_restore_form.html"

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
                versions = self.model.history.filter(
                    **{self.model._meta.pk.attname: unquote(object_id)}
                )
                list(versions.select_for_update().values_list("pk", flat=True))
            return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view_title(self, request, obj):
        return f"Historik: {obj}"

    def history_form_view_title(self, request, obj):
        return f"Återställ {obj}"

    def revert_disabled(self, request, obj=None):
        return not is_administrator(request.user) or super().revert_disabled(request, obj)

    def deleted_history(self, request):
        """The last versions of the deleted records the user may see."""
        history = self.model.history.filter(history_type="-")
        existing = self.model._default_manager.values("pk")
        return history.exclude(**{f"{self.model._meta.pk.attname}__in": existing})

    def deleted_view(self, request):
        """Deleted records the user may see, each with a link to its history to restore it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        history = self.deleted_history(request)
        records = history.select_related("history_user").order_by("-history_date")[:200]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Borttagna {self.model._meta.verbose_name_plural}",
            "records": records,
            "may_restore": is_administrator(request.user),
        }
        return render(request, "admin/deleted_records.html", context)
