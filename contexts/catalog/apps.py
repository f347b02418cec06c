from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "contexts.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self):
        from contexts.catalog import storefront_cache

        storefront_cache.connect()  # catalog writes replace the storefront cache's version after commit
