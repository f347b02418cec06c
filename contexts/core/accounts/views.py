"""The page an invitation's link opens (/invitation/<token>): choose a username and a password;
the account is created with the invitation's role, then the admin's login page is offered."""
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from contexts.core.accounts import invitations
from crm.rest.errors import DomainError


@never_cache
@csrf_protect
@sensitive_post_parameters("password", "password2")
def accept_invitation(request, token: str):
    try:
        invitation = invitations.check(token=token)
    except invitations.InvitationRefused as exc:
        return render(request, "core/invitation_accept.html", {"refused": exc.message}, status=exc.status_code)
    context = {"invitation": invitation, "values": {}}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("username", "first_name", "last_name")}
        password, password2 = request.POST.get("password", ""), request.POST.get("password2", "")
        context["values"] = values
        if not values["username"]:
            context["error"], context["field"] = "Choisissez un identifiant.", "username"
        elif password != password2:
            context["error"], context["field"] = "Les deux mots de passe diffèrent.", "password2"
        else:
            try:
                with transaction.atomic(durable=True):
                    user = invitations.accept(token=token, password=password, **values)
            except DomainError as exc:
                context["error"], context["field"] = exc.message, exc.field
                return render(request, "core/invitation_accept.html", context, status=exc.status_code)
            return render(request, "core/invitation_accept.html", {"done": user})
        return render(request, "core/invitation_accept.html", context, status=400)
    return render(request, "core/invitation_accept.html", context)
