from django.contrib import admin

from contexts.core.models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "email", "city", "created_at")
    list_filter = ("kind",)
    search_fields = ("last_name", "first_name", "company_name", "email", "siren")
    list_per_page = 50
