"""Realistic French shop data for the demo tenant, written through each context's api.

Idempotent: a second run tops up what is missing and duplicates nothing."""
from __future__ import annotations

import random

from django.db import transaction

from contexts.core import api as core_api

FIRST_NAMES = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Lucas", "Hugo",
               "Louis", "Gabriel", "Arthur", "Jules", "Raphaël", "Nathan", "Théo", "Zoé", "Élodie", "Mathis"]
LAST_NAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
              "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
              "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent"]
CITIES = [("Paris", "75011"), ("Lyon", "69003"), ("Marseille", "13006"), ("Toulouse", "31000"),
          ("Nantes", "44000"), ("Strasbourg", "67000"), ("Metz", "57000"), ("Bordeaux", "33000"),
          ("Lille", "59000"), ("Rennes", "35000"), ("Montpellier", "34000"), ("Nice", "06000")]
COMPANIES = ["Atelier Lumière SARL", "Boulangerie Fournier", "Cabinet Moreau & Associés", "Les Jardins de Lise",
             "Hôtel du Port", "Librairie Vincent", "Garage Bonnet", "Fromagerie Dubois", "Studio Girard",
             "Café des Arts", "Menuiserie Leroy", "Pharmacie du Centre"]


def _seed_clients(rng: random.Random) -> int:
    from contexts.core.models import Client  # core seeds its own data; other contexts go through api

    if Client.objects.exists():
        return 0
    created = 0
    with transaction.atomic():
        for i in range(100):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            city, cp = rng.choice(CITIES)
            email = f"{first}.{last}{i}@exemple.fr".lower().replace("é", "e").replace("ë", "e").replace("è", "e")
            core_api.create_client(kind="person", first_name=first, last_name=last, email=email,
                                   city=city, postal_code=cp, phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}")
            created += 1
        for name in COMPANIES:
            city, cp = rng.choice(CITIES)
            core_api.create_client(kind="company", company_name=name, city=city, postal_code=cp,
                                   email=f"contact@{name.split()[0].lower()}.fr")
            created += 1
    return created


def _seed_staff(password: str) -> list[str]:
    from contexts.core.accounts.models import Role, User

    people = [("manon", Role.MANAGER), ("paul", Role.ACCOUNTANT), ("sarah", Role.SALES), ("yanis", Role.CASHIER)]
    for username, role in people:
        user, created = User.objects.get_or_create(username=username, defaults={"role": role, "is_staff": True})
        if created:
            user.set_password(password)
            user.save()
        user.apply_role()  # groups follow the role (also for users made before the roles existed)
    return [u for u, _ in people]


def seed_demo(*, rng: random.Random, password: str) -> list[str]:
    lines = []
    lines.append(f"clients: {_seed_clients(rng)} created")
    lines.append(f"staff: {', '.join(_seed_staff(password))} (password as admin)")
    return lines
