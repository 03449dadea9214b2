"""Submitting Django admin forms in tests as a browser would: what the page showed, changed."""

from datetime import date, datetime

from django.contrib.auth.models import User

from regions.models import Region, RegionRole


def value_for_post(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item.pk if hasattr(item, "pk") else item) for item in value]
    return str(value.pk if hasattr(value, "pk") else value)


def form_fields(form):
    data = {}
    for name in form.fields:
        value = value_for_post(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def change_form_data(response):
    """The POST data of an admin change form as the page rendered it."""
    data = form_fields(response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets", [])
    for inline in inlines:
        formset = inline.formset
        data.update(form_fields(formset.management_form))
        for form in formset.forms:
            data.update(form_fields(form))
    return data


def make_editor(username, *region_slugs, role=RegionRole.Role.EDITOR):
    """A staff user with the role in each region; the role's group follows (regions.roles)."""
    user = User.objects.create_user(username, f"{username}@example.se", "ett-långt-lösenord-1")
    user.is_staff = True
    user.save()
    for slug in region_slugs:
        RegionRole.objects.create(user=user, region=Region.objects.get(slug=slug), role=role)
    return user
