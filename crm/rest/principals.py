"""Who a request acts for when it is not a staff User: an API key or a shop customer. Frozen,
built by the authentication classes; the rights are computed once, at authentication."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crm.audit import Actor


@dataclass(frozen=True)
class Principal:
    """request.user without a session or the admin: `permissions` are its model permissions."""

    kind: ClassVar[str] = ""
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_staff: ClassVar[bool] = False
    is_superuser: ClassVar[bool] = False
    is_anonymous: ClassVar[bool] = False

    @property
    def pk(self) -> str:
        raise NotImplementedError

    def get_username(self) -> str:
        raise NotImplementedError

    @property
    def audit_actor(self) -> Actor:
        return Actor(self.kind, self.pk, self.get_username())

    def has_perm(self, perm, obj=None) -> bool:
        return perm in getattr(self, "permissions", ())

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(p) for p in perms)


@dataclass(frozen=True)
class ApiKeyPrincipal(Principal):
    """A key's role's permissions, capped by its creator's current ones."""

    kind: ClassVar[str] = "api_key"
    key_id: str = ""
    name: str = ""
    role: str = ""
    permissions: frozenset = frozenset()

    @property
    def pk(self) -> str:
        return self.key_id

    def get_username(self) -> str:
        return f"api-key:{self.name}"


@dataclass(frozen=True)
class CustomerPrincipal(Principal):
    """A customer of the online shop: never a staff permission."""

    kind: ClassVar[str] = "customer"
    customer_id: str = ""
    email: str = ""

    @property
    def pk(self) -> str:
        return self.customer_id

    def get_username(self) -> str:
        return self.email
