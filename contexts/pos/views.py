"""Cashier screens, rendered from Django templates (keyboard and barcode scanner first)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required(login_url="/admin/login/")
def till_home(request):
    return render(request, "pos/till.html", {"cashier": request.user})
