"""Loads the published texts (fixtures/portal.json) into the database, never over an edit.

`loaddata` writes every record of a fixture whether or not it is there already, so running it
again on a live portal put back the published texts over what editors had written, and the
history no longer matched the page. This command adds only the records the database has never
held: not one that exists, and not one that an editor deleted (its history or the admin's log
remembers it). Records already there, their many-to-many rows included, are left alone.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

FIXTURE = settings.FIXTURE_DIRS[0] / "portal.json"
# The change reason of a record's first version, as loaded from the published texts.
FROM_THE_SOURCES = "Från källtexterna"
# Editors' records are numbered from a million and the published texts' below, so the fixture
# can grow without meeting an editor's record. In a database from before, where an editor's
# record took a key the fixture now gives, the published record is loaded half a million on.
EDITORS_FROM = 1_000_000
MOVED_BY = 500_000


def is_tracked(model):
    return hasattr(getattr(model, "history", None), "bulk_history_create")


def ever_held(model, pks, using):
    """The primary keys among `pks` that the database holds, or held until someone deleted
    the record: in the record's history, or in the admin's log for records without one."""
    held = set(model._base_manager.using(using).filter(pk__in=pks).values_list("pk", flat=True))
    if is_tracked(model):
        pk_name = model._meta.pk.attname
        history = model.history.using(using).filter(**{f"{pk_name}__in": pks})
        held.update(history.values_list(pk_name, flat=True))
    held.update(logged(model, pks, DELETION, using))
    return held


def logged(model, pks, action, using):
    """The primary keys among `pks` that the admin's log records `action` for."""
    entries = LogEntry.objects.using(using).filter(
        content_type=ContentType.objects.db_manager(using).get_for_model(model),
        action_flag=action,
        object_id__in=[str(pk) for pk in pks],
    )
    return {model._meta.pk.to_python(pk) for pk in entries.values_list("object_id", flat=True)}


def point_at_moved(deserialized, moved):
    """The record's references to published records that were loaded under a moved key."""
    record = deserialized.object
    for field in record._meta.concrete_fields:
        if field.is_relation:
            key = (field.related_model, getattr(record, field.attname))
            setattr(record, field.attname, moved.get(key, key[1]))
    for name, pks in (deserialized.m2m_data or {}).items():
        target = record._meta.get_field(name).related_model
        deserialized.m2m_data[name] = [moved.get((target, pk), pk) for pk in pks]


def record_first_versions(records, moment, using):
    """A first history entry, dated `moment`, for each new record that has none yet (saving
    a project's themes already made one, with the themes in it)."""
    by_model = defaultdict(list)
    for record in records:
        if is_tracked(type(record)):
            by_model[type(record)].append(record)
    for model, new in by_model.items():
        pk_name = model._meta.pk.attname
        recorded = set(
            model.history.using(using)
            .filter(**{f"{pk_name}__in": [record.pk for record in new]})
            .values_list(pk_name, flat=True)
        )
        # Saving the themes recorded a change ("~"); it is the record's creation.
        model.history.filter(**{f"{pk_name}__in": recorded}, history_date=moment).update(
            history_type="+"
        )
        missing = [record for record in new if record.pk not in recorded]
        model.history.db_manager(using).bulk_history_create(
            missing, default_change_reason=FROM_THE_SOURCES, default_date=moment
        )


def stamp_with_load_time(record, moment):
    """The record's created and updated times are when this database got it: the fixture's
    own are when it was built, a time nobody entered anything (the sitemap and the admin
    show these)."""
    for field in record._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            setattr(record, field.attname, moment)


def load_published_data(using=DEFAULT_DB_ALIAS):
    """Loads the fixture's records that the database never held, with their first versions.
    Returns {model: number loaded} and the number of records left as they are."""
    # One moment for every first version, before any history the load itself makes, so
    # that a project's first version shows the goals and contacts it was loaded with.
    moment = timezone.now()
    with FIXTURE.open(encoding="utf-8") as fixture:
        stored = list(serializers.deserialize("json", fixture, using=using))
    by_model = defaultdict(list)
    for deserialized in stored:
        by_model[type(deserialized.object)].append(deserialized)
    loaded, kept = defaultdict(int), 0
    new, moved = [], {}
    with transaction.atomic(using=using):
        for model, items in by_model.items():
            held = ever_held(model, [item.object.pk for item in items], using)
            by_editors = logged(model, held, ADDITION, using)
            for item in items:
                if item.object.pk in by_editors:
                    moved[model, item.object.pk] = item.object.pk = item.object.pk + MOVED_BY
                point_at_moved(item, moved)
            held = ever_held(model, [item.object.pk for item in items], using)
            for item in items:
                if item.object.pk in held:
                    kept += 1
                    continue
                item.object._history_date = moment
                item.object._change_reason = FROM_THE_SOURCES
                stamp_with_load_time(item.object, moment)
                item.save(using=using)  # raw, as loaddata saves: the fixture's own values
                new.append(item.object)
                loaded[model] += 1
        if loaded:
            connection = connections[using]
            # Checked now, as loaddata does, not when some outer transaction commits.
            connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
        # The fixture gives primary keys, so editors' keys must start past them.
        with connections[using].cursor() as cursor:
            for model in by_model:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f'SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(max("{pk}"), %s))'
                    f' FROM "{table}"',
                    [table, pk, EDITORS_FROM - 1],
                )
        record_first_versions(new, moment, using)
    return dict(loaded), kept


def load_or_explain(using):
    """load_published_data(), with what stopped it said in Swedish: a fixture that cannot be
    read, or a record that refers to one an editor deleted. Nothing is loaded then."""
    try:
        return load_published_data(using)
    except (DeserializationError, IntegrityError) as error:
        raise CommandError(f"Inget laddades: {FIXTURE} gick inte att ladda ({error}).") from None


def report(stdout, loaded, kept):
    if loaded:
        stdout.write(f"Laddade {sum(loaded.values())} nya poster ur källtexterna:")
        for model, count in loaded.items():
            stdout.write(f"  {model._meta.verbose_name_plural}: {count}")
    else:
        stdout.write("Inga nya poster att ladda.")
    if kept:
        stdout.write(
            f"{kept} poster som redan finns (eller som en redaktör har tagit bort) lämnades orörda."
        )


class Command(BaseCommand):
    help = (
        "Laddar källtexternas poster (fixtures/portal.json) som databasen aldrig har haft, med "
        "en första version i historiken. Poster som finns, eller som en redaktör har tagit "
        "bort, lämnas orörda: kommandot skriver aldrig över en redaktörs ändringar. "
        "reset_published_data återställer allt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        report(self.stdout, *load_or_explain(database))
