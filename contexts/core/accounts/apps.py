from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "contexts.core.accounts"
    label = "accounts"
    verbose_name = "Staff"
