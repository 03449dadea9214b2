"""What every admin page for edited content shares: no lost edits, history, region scope.

- No lost edits: each form carries the version of the record it was opened on; saving a
  record that someone else saved in between is refused, showing what they changed.
- History: django-simple-history keeps every version; administrators compare and restore
  them, deleted records included (the "Borttagna" list).
- Region scope: a regional editor or reader sees only the content of the regions they have a
  role in, everywhere the admin reaches it (lists, forms, choices, autocomplete, history,
  "view on site"), and changes only that of the regions they edit.
"""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from regions.roles import editable_region_ids, viewable_region_ids


class VersionCheckedForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The version in the database now, not the instance's: a form opened to restore an
        # old version must still notice a save made while it was open.
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = current_version(self.instance)

    # The admin saves its main form whether or not it changed; an inline form only when it did.
    saved_unchanged = True
    untouched_since_seen = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        # Locked until the admin's transaction ends, so nobody saves between check and save.
        current = current_version(self.instance, lock=True)
        seen = cleaned_data.get("seen_version")
        if current is None or seen == current:
            return cleaned_data
        if not self.saved_unchanged and self.matches_version(seen, cleaned_data):
            # An inline row the user left alone while someone else changed it: keep theirs.
            self.untouched_since_seen = True
            return cleaned_data
        # Saving again now means overwriting knowingly: the message showed what changed.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current
        raise ValidationError(changed_meanwhile(self.instance, seen, current))

    def matches_version(self, version, cleaned_data):
        """Whether the submitted values are those of the record's given version."""
        record = versions_of(self.instance).filter(version=version).first()
        if record is None:
            return False
        for name in self.changed_data:
            if name == "seen_version":
                continue
            value = cleaned_data.get(name)
            attname = self.instance._meta.get_field(name).attname
            if getattr(value, "pk", value) != getattr(record, attname):
                return False
        return True

    def has_changed(self):
        if self.untouched_since_seen:
            return False
        return any(name != "seen_version" for name in self.changed_data)


def versions_of(instance):
    pk = {instance._meta.pk.attname: instance.pk}
    return type(instance).history.filter(**pk).order_by("-history_date")


class InlineVersionCheckedForm(VersionCheckedForm):
    saved_unchanged = False


def current_version(instance, lock=False):
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


SAVED_AT_FORMAT = r"j F Y \k\l. H.i"  # 22 november 2026 kl. 10.31


def changed_meanwhile(instance, seen_version, current_version):
    latest = versions_of(instance).filter(version=current_version).first()
    seen = versions_of(instance).filter(version=seen_version).first()
    who = ""
    if latest is not None:
        user = latest.history_user
        who = f" av {user.get_full_name() or user.get_username()}" if user else ""
        who += " " + date_format(localtime(latest.history_date), SAVED_AT_FORMAT)
    message = f"Posten har sparats{who} sedan du öppnade den, så dina ändringar sparades inte."
    if latest is not None and seen is not None:
        changes = latest.diff_against(seen, excluded_fields=["version"]).changes
        if changes:
            described = "; ".join(
                f"{capfirst(instance._meta.get_field(change.field).verbose_name)}: "
                f"”{shorten(change.old)}” → ”{shorten(change.new)}”"
                for change in changes
            )
            message += f" Ändrat under tiden: {described}."
    return message + (
        " Formuläret visar fortfarande dina ändringar: spara igen för att skriva över, eller "
        "ladda om sidan för att utgå från den senaste versionen."
    )


def shorten(value, length=80):
    text = "" if value is None else str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def with_seen_version(fieldsets):
    """The hidden version field must be in the form the admin renders, wherever fields are
    listed explicitly."""
    if any("seen_version" in options["fields"] for _, options in fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]


class VersionedInline:
    form = InlineVersionCheckedForm

    def get_fieldsets(self, request, obj=None):
        return with_seen_version(super().get_fieldsets(request, obj))


class RegionScopedAdmin(SimpleHistoryAdmin):
    """An admin for content that belongs to a region, reached through `region_lookup`."""

    region_lookup = "region"
    form = VersionCheckedForm
    # Bulk actions would change many records past the version check: not offered.
    actions = None
    change_list_template = "admin/scoped_change_list.html"
    history_list_display = ["version"]

    def region_ids(self, request, editable=False):
        """The regions whose content the user sees, or with `editable` changes; None: all."""
        attribute = "_editable_region_ids" if editable else "_viewable_region_ids"
        if not hasattr(request, attribute):
            find = editable_region_ids if editable else viewable_region_ids
            setattr(request, attribute, find(request.user))
        return getattr(request, attribute)

    def scope(self, region_ids):
        return Q(**{f"{self.region_lookup}__in": region_ids})

    def region_id_of(self, obj):
        *path, last = self.region_lookup.split("__")
        for step in path:
            obj = getattr(obj, step, None)
            if obj is None:
                return None
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id", None)

    def in_scope(self, request, obj, editable=False):
        region_ids = self.region_ids(request, editable)
        return region_ids is None or self.region_id_of(obj) in region_ids

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        region_ids = self.region_ids(request)
        return queryset if region_ids is None else queryset.filter(self.scope(region_ids))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj, editable=True))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj, editable=True))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        limit_to_scope(field, db_field.related_model, self.region_ids(request, editable=True))
        return field

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Autocomplete offers choices for a form: only what the user may put there.
            region_ids = self.region_ids(request, editable=True)
            if region_ids is not None:
                queryset = queryset.filter(self.scope(region_ids))
        return queryset, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        return with_seen_version(super().get_fieldsets(request, obj))

    def get_urls(self):
        opts = self.model._meta
        deleted = path(
            "borttagna/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{opts.app_label}_{opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def deleted_view(self, request):
        """Deleted records the user may see, each with a link to its history to restore it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        history = self.model.history.filter(history_type="-")
        existing = self.model._default_manager.values("pk")
        history = history.exclude(**{f"{self.model._meta.pk.attname}__in": existing})
        region_ids = self.region_ids(request)
        if region_ids is not None:
            history = history.filter(self.scope(region_ids))
        records = history.select_related("history_user").order_by("-history_date")[:200]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Borttagna {self.model._meta.verbose_name_plural}",
            "records": records,
        }
        return render(request, "admin/deleted_records.html", context)


def limit_to_scope(field, related_model, region_ids):
    """Choices of a region, project or action plan: only the user's own regions'."""
    if field is None or region_ids is None:
        return
    lookups = {"Region": "pk__in", "Project": "region__in", "ActionPlan": "region__in"}
    lookup = lookups.get(related_model.__name__)
    if lookup:
        field.queryset = field.queryset.filter(**{lookup: region_ids})


def view_on_site(request, content_type_id, object_id):
    """The admin's "Visa på webbplatsen" for records the user may see in the admin only:
    Django's own redirects anyone on the staff to any record's address, where an editor then
    previews another region's draft."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type and content_type.model_class()
    if model is None or not admin.site.is_registered(model):
        raise Http404("Posten finns inte.")
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("Posten finns inte.")
    return shortcut(request, content_type_id, object_id)


class ScopedInline(VersionedInline):
    """An inline whose own foreign keys (say a contact's region) stay within scope."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        limit_to_scope(field, db_field.related_model, editable_region_ids(request.user))
        return field


admin.site.disable_action("delete_selected")
