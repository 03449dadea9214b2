"""Puts the portal's content back as the published texts give it: an explicit, destructive
command, never part of a set-up, a deploy or a restart (those run load_published_data)."""

import sys

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from regions.apps import content_models
from regions.management.commands.load_published_data import load_or_explain, report

CONFIRMATION = "ja"


def content_tables():
    """Every table of the portal's content: the records, their many-to-many rows (which
    region each editor edits too) and their history. Not the counts derived from them, nor
    the data version, which the load touches."""
    return [
        model
        for label in ("regions", "projects")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model.__name__ != "DataVersion" and not getattr(model, "DERIVED", False)
    ]


def admin_log(using):
    """The admin's log of changes to the content: it remembers deletions, which the load
    would otherwise respect."""
    types = ContentType.objects.db_manager(using).get_for_models(*content_models(apps))
    return LogEntry.objects.using(using).filter(content_type__in=types.values())


class Command(BaseCommand):
    help = (
        "Tar bort allt portalens innehåll (regioner, projekt, mål, kontaktpersoner, källor …), "
        "all dess historik och vilka regioner redaktörerna har, och laddar källtexterna på "
        "nytt. Allt redaktörerna har ändrat går förlorat. Användarkontona finns kvar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes", action="store_true", help="Ta bort utan att fråga (till exempel i skript)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, yes, database, **options):
        tables = content_tables()
        counts = [(model, model._base_manager.using(database).count()) for model in tables]
        log = admin_log(database)
        self.stdout.write("Det här tas bort och kan inte återställas:")
        for model, count in counts:
            if count:
                self.stdout.write(f"  {model._meta.db_table}: {count} rader")
        self.stdout.write(f"  administrationens logg över innehållet: {log.count()} rader")
        self.stdout.write("Sedan laddas källtexterna på nytt (fixtures/portal.json).")
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Inget togs bort. Kör med --yes för att ta bort detta utan att frågas."
                )
            answer = input(f"Skriv ”{CONFIRMATION}” för att ta bort allt detta: ")
            if answer.strip().lower() != CONFIRMATION:
                raise CommandError("Avbrutet: inget togs bort.")
        connection = connections[database]
        with transaction.atomic(using=database):
            log.delete()
            # PostgreSQL truncates no table with deferred checks pending (a caller's inserts).
            connection.check_constraints()
            flush = connection.ops.sql_flush(
                no_style(),
                [model._meta.db_table for model in tables],
                reset_sequences=True,
                allow_cascade=False,
            )
            connection.ops.execute_sql_flush(flush)
            loaded, kept = load_or_explain(database)
        report(self.stdout, loaded, kept)
