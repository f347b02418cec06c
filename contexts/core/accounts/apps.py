from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "contexts.core.accounts"
    label = "accounts"
    verbose_name = "Équipe"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, dispatch_uid="accounts_sync_roles")


def _sync_roles(sender, using="default", **kwargs):
    # post_migrate is sent once per app; act on the last one, when every app's permissions
    # exist. Runs in each schema django-tenants migrates (public and every tenant).
    from django.apps import apps

    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from contexts.core.accounts.roles import sync_role_groups

    sync_role_groups()
