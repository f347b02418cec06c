"""OpenAPI descriptions of the kernel's authentication classes (drf-spectacular extensions)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension

_BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
SCHEMES = [  # (class, scheme name, security definition)
    ("TenantJWTAuthentication", "staffJWT", {**_BEARER, "description": "Staff access token from POST /api/v1/auth/token/, valid on its tenant's host only."}),
    ("CustomerJWTAuthentication", "customerJWT", {**_BEARER, "description": "Customer access token from POST /api/v1/customers/login."}),
    ("ApiKeyAuthentication", "apiKey", {"type": "apiKey", "in": "header", "name": "Authorization",
                                        "description": "`Api-Key ck_<prefix>_<secret>` (or the X-Api-Key header), created in the admin."}),
    ("ShopperOrStaffJWT", "shopperOrStaffJWT", {**_BEARER, "description": "A customer's access token (POST /api/v1/customers/login) or a staff member's "
                                                                          "(POST /api/v1/auth/token/), valid on its tenant's host only."}),
]

for _cls, _name, _definition in SCHEMES:  # each subclass registers itself with drf-spectacular
    type(f"{_cls}Scheme", (OpenApiAuthenticationExtension,), {
        "target_class": f"crm.rest.authentication.{_cls}", "name": _name,
        "get_security_definition": lambda self, auto_schema, _d=_definition: _d})
