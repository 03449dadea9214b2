from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Ger varje post som saknar historik en första version, så att administrationen kan "
        "visa vad som ändrats sedan den laddades från källtexterna."
    )

    def handle(self, *args, **options):
        # Loading fixtures saves "raw" and records no history, except for some many-to-many
        # changes; so this looks at each record, not at whole models as populate_history does.
        for model in apps.get_models():
            history = getattr(model, "history", None)
            if history is None or not hasattr(history, "bulk_history_create"):
                continue
            pk_name = model._meta.pk.attname
            recorded = history.values(pk_name)
            missing = list(model._default_manager.exclude(pk__in=recorded))
            if missing:
                history.bulk_history_create(missing, default_change_reason="Från källtexterna")
                self.stdout.write(f"{model._meta.label}: {len(missing)}")
