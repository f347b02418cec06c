"""OpenAPI descriptions of our authentication classes (drf-spectacular extensions)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class StaffJWTScheme(OpenApiAuthenticationExtension):
    target_class = "crm.rest.authentication.TenantJWTAuthentication"
    name = "staffJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Staff access token from POST /api/v1/auth/token/, valid on its tenant's host only."}


class CustomerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "crm.rest.authentication.CustomerJWTAuthentication"
    name = "customerJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Customer access token from POST /api/v1/customers/login."}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "crm.rest.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key ck_<prefix>_<secret>` (or the X-Api-Key header), created in the admin."}


class ShopperOrStaffJWTScheme(OpenApiAuthenticationExtension):
    target_class = "crm.rest.authentication.ShopperOrStaffJWT"
    name = "shopperOrStaffJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A customer's access token (POST /api/v1/customers/login) or a staff member's "
                               "(POST /api/v1/auth/token/), valid on its tenant's host only."}
