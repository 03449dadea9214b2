from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "Regioner"

    def ready(self):
        from regions.models import DataVersion
        from regions.roles import ensure_roles

        # After the projects app's own permissions exist, which is after its migrations.
        post_migrate.connect(ensure_roles, sender=self.apps.get_app_config("projects"))
        # Any change to the portal's content makes every cached public page stale.
        for model in content_models(self.apps):
            for signal in (post_save, post_delete):
                signal.connect(DataVersion.touch, sender=model, dispatch_uid=f"version-{model}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    DataVersion.touch,
                    sender=field.remote_field.through,
                    dispatch_uid=f"version-{model}-{field.name}",
                )


def content_models(apps):
    return [
        model
        for label in ("regions", "projects")
        for model in apps.get_app_config(label).get_models()
        if model.__name__ not in ("DataVersion", "RegionRole")  # who edits is not public
        and not model.__name__.startswith("Historical")
        and not getattr(model, "DERIVED", False)  # counts made from the content
    ]
