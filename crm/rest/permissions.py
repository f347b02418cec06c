"""API permissions: staff (users and API keys) by the model permission of the action; customers."""
from rest_framework import permissions


class StaffModelPermissions(permissions.DjangoModelPermissions):
    """Staff users and API keys, with the model permission of the action (view for reads)."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(request.user, "kind", "staff") == "customer":
            return False
        return super().has_permission(request, view)


class IsCustomer(permissions.BasePermission):
    def has_permission(self, request, view):
        return getattr(request.user, "kind", None) == "customer"
