"""No lost edits in the admin's forms for Versioned content: saving a record someone else
saved since the form was opened is refused, naming their changes, and the form then holds
theirs merged with the user's, so saving again loses neither."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.forms.formsets import DELETION_FIELD_NAME, INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from simple_history.models import to_historic
from simple_history.utils import get_m2m_reverse_field_name


class VersionCheckedForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        # The version in the database now, not the instance's: a form opened to restore an
        # old version must still notice a save made while it was open.
        self.fields["seen_version"].initial = current_version(self.instance)
        restored = to_historic(self.instance)
        if restored is not None:
            # The instance of an old version reads its many-to-many values from today's
            # record; a restore puts back the version's own.
            self.initial.update(many_to_many_values(restored, self.fields))

    # The admin saves its main form whether or not it changed; an inline form only when it did.
    saved_unchanged = True
    untouched_since_seen = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        # Locked until the transaction ends, so nobody saves between check and save.
        current = current_version(self.instance, lock=True)
        versions = versions_of(type(self.instance), self.instance.pk)
        # The next version follows the newest, also when an old or deleted one is restored.
        self.instance.version = current if current is not None else last_version(versions)
        seen_version = cleaned_data.get("seen_version")
        if current is None or seen_version == current:
            return cleaned_data
        seen = versions.filter(version=seen_version).first()
        conflicts, untouched = self.take_changes_made_since(seen)
        # Saving again from here saves the form as it now shows: theirs merged with the user's.
        self.data[self.add_prefix("seen_version")] = str(current)
        if untouched and not self.saved_unchanged:
            # An inline row the user left alone while someone else changed it: keep theirs.
            self.untouched_since_seen = True
            return cleaned_data
        latest = versions.filter(version=current).first()
        for name in conflicts:
            self.add_error(name, overwrite_warning(latest, self.current, name))
        raise ValidationError(changed_meanwhile(self.instance, seen, latest, conflicts))

    def take_changes_made_since(self, seen):
        """Put into the form what others saved since the `seen` version wherever the user left a
        field as it was. Returns the fields both changed (the user's value stays, to confirm by
        saving again) and whether the user's values are now all the current ones."""
        opts = self._meta.model._meta
        editable = {
            field.name
            for field in [*opts.concrete_fields, *opts.many_to_many]
            if field.editable and not field.primary_key
        }
        names = [name for name in self.fields if name in editable and name not in self._errors]
        self.current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        now = model_to_dict(self.current, fields=names)
        then = None
        if seen:  # the version's values as model_to_dict gives a record's
            then = {**model_to_dict(seen, fields=names), **many_to_many_values(seen, names)}
        self.data = self.data.copy()
        conflicts = []
        for name in names:
            field, typed = self.fields[name], self[name].data
            if not field.has_changed(now[name], typed):
                continue
            if then is not None and not field.has_changed(then.get(name), typed):
                self.put(name, now[name])
            elif then is None or field.has_changed(then.get(name), as_posted(field, now[name])):
                conflicts.append(name)
        # The values compared so far are stale now.
        self.__dict__.pop("changed_data", None)
        untouched = not any(
            self.fields[name].has_changed(now[name], self[name].data) for name in names
        )
        return conflicts, untouched

    def put(self, name, value):
        posted = as_posted(self.fields[name], value)
        self.data.setlist(self.add_prefix(name), posted if isinstance(posted, list) else [posted])

    def has_changed(self):
        if self.untouched_since_seen:
            return False
        return any(name != "seen_version" for name in self.changed_data)


def as_posted(field, value):
    """A field's value as a browser posts it, so a form can show and save it again."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [str(item) for item in field.prepare_value(value or [])]
    if isinstance(field, forms.BooleanField):
        return "on" if value else ""
    value = field.prepare_value(value)
    return "" if value is None else str(value)


def many_to_many_values(record, names):
    return {
        field.name: [
            getattr(row, f"{get_m2m_reverse_field_name(field)}_id")
            for row in getattr(record, field.name).all()
        ]
        for field in record._history_m2m_fields
        if field.name in names
    }


def versions_of(model, pk):
    return model.history.filter(**{model._meta.pk.attname: pk}).order_by("-history_date")


def last_version(versions):
    return versions.aggregate(last=Max("version"))["last"] or 0


class InlineVersionCheckedForm(VersionCheckedForm):
    saved_unchanged = False


class VersionedInlineFormSet(BaseInlineFormSet):
    """An inline whose row someone else deleted while the form was open: Django would refuse it
    with an error the admin never shows, so the row is taken out and named instead, and saving
    again saves the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deleted_meanwhile = []
        if self.is_bound and self.management_form.is_valid():
            self.take_out_rows_deleted_meanwhile()

    def take_out_rows_deleted_meanwhile(self):
        initial, total = self.initial_form_count(), self.total_form_count()
        pk_name = self.model._meta.pk.name
        existing = {str(pk) for pk in self.get_queryset().values_list("pk", flat=True)}
        data, kept = self.data.copy(), []
        for index in range(total):
            prefix = f"{self.add_prefix(index)}-"
            posted = {key: data.pop(key) for key in list(data) if key.startswith(prefix)}
            pk = self.data.get(f"{prefix}{pk_name}")
            if index < initial and pk and pk not in existing:
                # Unless the user deleted it too.
                if not self.data.get(f"{prefix}{DELETION_FIELD_NAME}"):
                    self.deleted_meanwhile.append(pk)
            else:
                kept.append((prefix, posted))
        if len(kept) == total:
            return
        # The rows left, numbered again from 0 as the admin pairs them with the rows there are.
        for index, (prefix, posted) in enumerate(kept):
            for key, values in posted.items():
                data.setlist(f"{self.add_prefix(index)}-{key.removeprefix(prefix)}", values)
        data[self.add_prefix(TOTAL_FORM_COUNT)] = str(len(kept))
        data[self.add_prefix(INITIAL_FORM_COUNT)] = str(initial - (total - len(kept)))
        self.data = data
        del self.management_form  # counted again from the rows that are left

    def clean(self):
        super().clean()
        if self.deleted_meanwhile:
            raise ValidationError(
                [deleted_meanwhile(self.model, pk) for pk in self.deleted_meanwhile]
            )


def deleted_meanwhile(model, pk):
    deletions = versions_of(model, pk).filter(history_type="-")
    deletion = deletions.select_related("history_user").first()
    if deletion is None:
        return "En rad finns inte längre, så den sparas inte. Spara igen för att spara resten."
    return (
        f"Raden ”{shorten(deletion.instance)}” togs bort{by_whom(deletion)} medan du hade "
        "formuläret öppet, så den sparas inte. Spara igen för att spara resten."
    )


def current_version(instance, lock=False):
    # Not in the model's order: ordering by a nullable relation (a fact's project or programme)
    # joins a table FOR UPDATE cannot lock.
    rows = type(instance)._default_manager.filter(pk=instance.pk).order_by()
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


SAVED_AT_FORMAT = r"j F Y \k\l. H.i"  # 22 november 2026 kl. 10.31


def name_of(user):
    return user.get_full_name() or user.get_username()


def by_whom(record):
    who = f" av {name_of(record.history_user)}" if record.history_user else ""
    return who + " " + date_format(localtime(record.history_date), SAVED_AT_FORMAT)


def changed_meanwhile(instance, seen, latest, conflicts):
    who = by_whom(latest) if latest is not None else ""
    message = f"Posten har sparats{who} sedan du öppnade den, så dina ändringar sparades inte."
    if latest is not None and seen is not None:
        changes = latest.diff_against(
            seen, excluded_fields=["version"], foreign_keys_are_objs=True
        ).changes
        if changes:
            described = "; ".join(
                f"{capfirst(field.verbose_name)}: "
                f"”{shorten(readable(field, change.old))}” → "
                f"”{shorten(readable(field, change.new))}”"
                for change in changes
                for field in [instance._meta.get_field(change.field)]
            )
            message += f" Ändrat under tiden: {described}."
    if seen is not None:
        message += " Formuläret visar nu deras ändringar tillsammans med dina."
    if conflicts:
        message += (
            " Där ni båda ändrat samma fält står ditt värde kvar och är markerat: spara igen "
            "för att skriva över deras."
        )
    return message + " Spara igen för att spara, eller ladda om sidan för att börja om."


def overwrite_warning(latest, current, name):
    user = latest.history_user if latest is not None else None
    who = name_of(user) if user else "Någon"
    field, value = current._meta.get_field(name), getattr(current, name)
    if field.many_to_many:
        value = value.all()
    return (
        f"{who} ändrade det här fältet till ”{shorten(readable(field, value))}” medan du hade "
        "formuläret öppet. Ditt värde står kvar: spara igen för att skriva över deras."
    )


def readable(field, value):
    """A value as a reader knows it: names, not ids, of what it refers to; choices' labels."""
    if field.many_to_many:
        if isinstance(value, list):  # rows of the through table, as simple-history diffs them
            value = [row[get_m2m_reverse_field_name(field)] for row in value]
        return ", ".join(str(item) for item in value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return value


def shorten(value):
    return Truncator("" if value is None else value).chars(80)
