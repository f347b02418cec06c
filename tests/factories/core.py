import factory
from factory.django import DjangoModelFactory

from contexts.core.accounts.models import User
from contexts.core.models import Client


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@boutique.fr")
    is_staff = True
    role = "viewer"
    password = factory.django.Password("pass-Comptoir-2026")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from contexts.core.accounts import services

        return services.user_add(model_class(*args, **kwargs))  # as the admin: the plan's seats checked


class PersonClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    kind = "person"
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"client{n}@exemple.fr")
    city = factory.Faker("city", locale="fr_FR")


class CompanyClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    kind = "company"
    company_name = factory.Faker("company", locale="fr_FR")
    siren = factory.Sequence(lambda n: f"{100000000 + n}")
