from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "Regioner"

    def ready(self):
        from regions.roles import ensure_roles

        # After the projects app's own permissions exist, which is after its migrations.
        post_migrate.connect(ensure_roles, sender=self.apps.get_app_config("projects"))
