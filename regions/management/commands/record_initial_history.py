from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.models import Min
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Ger varje post som saknar historik en första version, så att administrationen kan "
        "visa vad som ändrats sedan den laddades från källtexterna."
    )

    def handle(self, *args, **options):
        # Loading fixtures saves "raw" and records no history, except for some many-to-many
        # changes; so this looks at each record, not at whole models as populate_history does.
        tracked = [
            model
            for model in apps.get_models()
            if hasattr(getattr(model, "history", None), "bulk_history_create")
        ]
        # One moment for every first version, no later than any history already there, so
        # that a project's first version shows the goals and contacts it was loaded with.
        earliest = [
            model.history.aggregate(first=Min("history_date"))["first"] for model in tracked
        ]
        moment = min([date for date in earliest if date] + [timezone.now()])
        for model in tracked:
            history = model.history
            pk_name = model._meta.pk.attname
            recorded = history.values(pk_name)
            missing = list(model._default_manager.exclude(pk__in=recorded))
            if missing:
                history.bulk_history_create(
                    missing, default_change_reason="Från källtexterna", default_date=moment
                )
                self.stdout.write(f"{model._meta.label}: {len(missing)}")
