"""Region scope in the admin: a regional editor or reader sees only their regions' content
wherever the admin reaches it, and changes only that of the regions they edit."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db.models import Q
from django.http import Http404

from regions.roles import editable_region_ids, viewable_region_ids
from regions.versioned_admin import VersionedAdmin


class RegionScopedAdmin(VersionedAdmin):
    """An admin for content that belongs to a region, reached through `region_lookup`."""

    region_lookup = "region"

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
        """Choices of content that belongs to a region (a region, a project, an action plan):
        only the user's own regions', as the chosen model's own admin scopes them."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        region_ids = self.region_ids(request, editable=True)
        related = db_field.related_model
        if field is None or region_ids is None or not self.admin_site.is_registered(related):
            return field
        related_admin = self.admin_site.get_model_admin(related)
        if isinstance(related_admin, RegionScopedAdmin):
            field.queryset = field.queryset.filter(related_admin.scope(region_ids))
        return field

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Autocomplete offers choices for a form: only what the user may put there.
            region_ids = self.region_ids(request, editable=True)
            if region_ids is not None:
                queryset = queryset.filter(self.scope(region_ids))
        return queryset, may_have_duplicates

    def deleted_history(self, request):
        history = super().deleted_history(request)
        region_ids = self.region_ids(request)
        return history if region_ids is None else history.filter(self.scope(region_ids))


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


admin.site.disable_action("delete_selected")
