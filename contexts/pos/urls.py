from django.urls import path

from contexts.pos import views

app_name = "pos"
urlpatterns = [
    path("", views.till_home, name="till"),
]
