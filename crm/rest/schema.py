"""OpenAPI helpers (drf-spectacular) for the response shapes our APIViews build by hand, so
that the schema says exactly what the view returns; the descriptions of the kernel's
authentication classes."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def results_of(name: str, serializer, **extra_fields):
    """`{"results": [...]}` (plus any extra fields), as lists that are not paginated are returned."""
    return inline_serializer(name, {**extra_fields, "results": serializer(many=True)})


def paginated(name: str, serializer):
    """The page of `crm.rest.pagination.Pagination`, for APIViews that paginate by hand."""
    return inline_serializer(name, {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer(many=True),
    })


NOT_FILTERS = {"page", "page_size", "ordering"}


def empty_filters_mean_no_filter(result, generator, request, public):
    """drf-spectacular postprocessing hook. The list filters (django-filter's and the views' own)
    read `?field=` (an empty value) as "no filter", the HTML-form convention; the schema says so
    instead of pretending such a request is invalid."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if (parameter.get("in") != "query" or parameter.get("required") or parameter["name"] in NOT_FILTERS
                        or "schema" not in parameter):
                    continue
                parameter["schema"] = {"anyOf": [parameter["schema"], {"type": "string", "maxLength": 0}]}
                parameter["description"] = (parameter.get("description", "") + " (empty: no filter)").strip()
    return result


ERROR_COMPONENT = {
    "type": "object",
    "description": "The error envelope of every 4xx (crm.rest.errors): a stable code, a human message and, "
                   "for bad input, the fields at fault.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "description": "per field (or nested field), its messages"},
            },
            "required": ["code", "message"],
        },
    },
    "required": ["error"],
}


def error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents its 4xx answers as the
    error envelope, so a client (and the schemathesis run) can rely on their shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("4XX", {
                    "description": "Refused: bad input (400), not signed in (401), not allowed (403), not found (404), "
                                   "a business rule (409), too many requests (429)...",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result


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
