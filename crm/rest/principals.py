"""Who a request acts for when it is not a staff User: an API key or a shop customer. Frozen,
built by the authentication classes, with the rights computed once, at authentication."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from crm.audit import Actor


@dataclass(frozen=True)
class Principal:
    """request.user without a session or the admin: `permissions` are its model permissions."""

    id: str
    name: str
    permissions: frozenset = frozenset()
    kind: ClassVar[str] = ""
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_staff = is_superuser = is_anonymous = False

    @property
    def pk(self) -> str:
        return self.id

    def get_username(self) -> str:
        return self.name

    @property
    def audit_actor(self) -> Actor:
        return Actor(self.kind, self.id, self.name)

    def has_perm(self, perm, obj=None) -> bool:
        return perm in self.permissions

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(p) for p in perms)


class ApiKeyPrincipal(Principal):
    """A key's role's permissions, capped by its creator's current ones; named "api-key:<name>"."""

    kind = "api_key"


class CustomerPrincipal(Principal):
    """A customer of the online shop (named by e-mail): never a staff permission."""

    kind = "customer"

    @property
    def customer_id(self) -> str:
        return self.id
