"""The platform's admin site (public schema only), where contexts register their platform
models (organisations, plans and subscriptions). Tenants' staff never see it."""
from django.contrib import admin


class PlatformAdminSite(admin.AdminSite):
    site_header = "Comptoir — platform"
    site_title = "Comptoir platform"
    index_title = "Platform"


platform_site = PlatformAdminSite(name="platform_admin")
