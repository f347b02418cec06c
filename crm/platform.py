"""The platform's admin site (public schema only), where contexts register their platform
models (organisations, plans and subscriptions). Tenants' staff never see it."""
from unfold.sites import UnfoldAdminSite


class PlatformAdminSite(UnfoldAdminSite):
    """On the same theme as the tenants' back office (django-unfold)."""

    site_header = "Comptoir — plateforme"
    site_title = "Comptoir plateforme"
    index_title = "Plateforme"


platform_site = PlatformAdminSite(name="platform_admin")
