"""Staff invitations: an owner or administrator invites a colleague by e-mail with a role; the
e-mail's link carries a signed token (expires after INVITATION_TTL_HOURS, 48 h; works once);
accepting it sets the password (the password validators) and creates the user with the role.
The plan's seat limit is checked at invitation time (active users + open invitations) and again
at acceptance. Each step leaves an audit entry (invite, accept, revoke)."""
from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.core.accounts import services as accounts
from contexts.core.accounts.models import Invitation, User
from contexts.core.tenancy import limits
from crm import audit, tenancy
from crm.rest.errors import DomainError, InvalidInput
from crm.transactions import joined

SALT = "comptoir.accounts.invitation"


class InvitationRefused(DomainError):
    """The link cannot be used: unreadable, expired, already used or revoked."""

    code = "invitation_invalid"
    status_code = 400


class InvitationGone(InvitationRefused):
    status_code = 410


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.INVITATION_TTL_HOURS)


def open_invitations(*, now: datetime.datetime | None = None):
    now = now or timezone.now()
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def invite(*, email: str, role: str, invited_by: User | None, now: datetime.datetime | None = None) -> tuple[Invitation, str]:
    """Creates the invitation and returns it with the token for the link (shown nowhere else).
    A previous open invitation of the same address is revoked."""
    now = now or timezone.now()
    email = email.strip().lower()
    with joined():
        if User.objects.filter(email__iexact=email, is_active=True).exists():
            raise InvalidInput(_("A staff member with this e-mail exists already."), field="email")
        previous = list(Invitation.objects.select_for_update().filter(email__iexact=email, accepted_at__isnull=True,
                                                                       revoked_at__isnull=True))
        for old in previous:
            _revoke(old, now=now)
        seats = User.objects.filter(is_active=True).count() + open_invitations(now=now).count()
        limits.check_limit(resource="users", current=seats)
        nonce = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(email=email, role=role, invited_by=invited_by, token_hash=_hash(nonce),
                                               expires_at=now + _ttl())
        audit.record(action="invite", instance=invitation, changes={"email": email, "role": role})
    token = signing.dumps({"i": str(invitation.pk), "n": nonce, "t": tenancy.current_schema()}, salt=SALT, compress=True)
    return invitation, token


def _load(token: str, *, now: datetime.datetime) -> Invitation:
    try:
        data = signing.loads(token, salt=SALT, max_age=_ttl())
    except signing.SignatureExpired:
        raise InvitationGone(_("This invitation has expired: ask for a new one."), field="token",
                             code="invitation_expired")
    except signing.BadSignature:
        raise InvitationRefused(_("This invitation link is not valid."), field="token")
    if data.get("t") != tenancy.current_schema():
        raise InvitationRefused(_("This invitation link is not valid."), field="token")
    invitation = Invitation.objects.select_for_update().filter(pk=data.get("i"), token_hash=_hash(data.get("n", ""))).first()
    if invitation is None:
        raise InvitationRefused(_("This invitation link is not valid."), field="token")
    state = invitation.status(now)
    if state == "accepted":
        raise InvitationGone(_("This invitation has already been used."), field="token", code="invitation_used")
    if state == "revoked":
        raise InvitationGone(_("This invitation has been revoked."), field="token", code="invitation_revoked")
    if state == "expired":
        raise InvitationGone(_("This invitation has expired: ask for a new one."), field="token",
                             code="invitation_expired")
    return invitation


def check(*, token: str, now: datetime.datetime | None = None) -> Invitation:
    """The open invitation behind a link (for the acceptance page), or InvitationRefused."""
    with transaction.atomic():
        return _load(token, now=now or timezone.now())


def accept(*, token: str, username: str, password: str, first_name: str = "", last_name: str = "",
           now: datetime.datetime | None = None) -> User:
    now = now or timezone.now()
    with joined():
        invitation = _load(token, now=now)
        if User.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("This username is taken."), field="username")
        user = User(username=username, email=invitation.email, first_name=first_name, last_name=last_name,
                    role=invitation.role, is_active=True, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password")
        user.set_password(password)
        accounts.user_add(user)  # the seat is checked again: the plan may have changed
        invitation.accepted_at, invitation.user = now, user
        invitation.save(update_fields=["accepted_at", "user"])
        audit.record(action="accept", instance=invitation, changes={"user": user.username, "role": user.role})
    return user


def _revoke(invitation: Invitation, *, now: datetime.datetime) -> None:
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit.record(action="revoke", instance=invitation, changes={"email": invitation.email})


def revoke(*, invitation_id, now: datetime.datetime | None = None) -> Invitation:
    now = now or timezone.now()
    with joined():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise InvalidInput(_("No such invitation."), field="id")
        if invitation.accepted_at or invitation.revoked_at:
            raise DomainError(_("This invitation is no longer open."), code="invitation_closed")
        _revoke(invitation, now=now)
        return invitation


def send_email(*, invitation_id, accept_url: str) -> None:
    """Queued after commit: the task sends the e-mail (no network call in the transaction)."""
    from contexts.core.accounts import tasks

    transaction.on_commit(lambda: tasks.send_invitation.delay(invitation_id=str(invitation_id), accept_url=accept_url))
