"""Celery tasks of staff accounts (the schema travels in the task headers)."""
from celery import shared_task


@shared_task(name="accounts.send_invitation", autoretry_for=(OSError,), retry_backoff=5, retry_jitter=True,
             max_retries=6, acks_late=True, reject_on_worker_lost=True)
def send_invitation(*, invitation_id: str, accept_url: str) -> bool:
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from contexts.core import selectors
    from contexts.core.accounts.models import Invitation

    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status() != "pending":
        return False
    inviter = invitation.invited_by
    context = {"organisation": selectors.current_organisation().name, "role": invitation.get_role_display(),
               "inviter": (inviter.get_full_name() or inviter.username) if inviter else "", "url": accept_url,
               "expires_at": invitation.expires_at}
    subject = " ".join(render_to_string("core/email/invitation.subject.txt", context).split())
    message = EmailMultiAlternatives(subject=subject, body=render_to_string("core/email/invitation.txt", context),
                                     to=[invitation.email])
    message.attach_alternative(render_to_string("core/email/invitation.html", context), "text/html")
    message.send()
    return True
