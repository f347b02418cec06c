"""Realistic French shop data for the demo tenant, written through each context's api.

Idempotent: a second run tops up what is missing and duplicates nothing."""
from __future__ import annotations

import random

from django.db import transaction

from contexts.catalog import api as catalog_api
from contexts.commercial import api as commercial_api
from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from contexts.pos import api as pos_api

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

    people = [("manon", Role.MANAGER, "Manon", "Lefèvre"), ("paul", Role.ACCOUNTANT, "Paul", "Girard"),
              ("sarah", Role.SALES, "Sarah", "Benali"), ("yanis", Role.CASHIER, "Yanis", "Morel")]
    for username, role, first_name, last_name in people:
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "is_staff": True, "first_name": first_name, "last_name": last_name})
        if created:
            user.set_password(password)
            user.save()
        user.apply_role()  # groups follow the role (also for users made before the roles existed)
    return [p[0] for p in people]


DEMO_MANAGER_PIN = "2468"


def _seed_till() -> str:
    """A register at the Bastille shop; manon (manager) approves at the till with her PIN."""
    from contexts.core.accounts.models import User

    shop = inventory_api.create_location(code="paris-bastille", name="Boutique Paris Bastille", kind="shop")
    with transaction.atomic():
        try:
            pos_api.create_register(name="Caisse 1", code="bastille-1", location_id=shop)
        except pos_api.InvalidInput:
            pass  # seeded before
        pos_api.set_shop_identity(location_id=shop, name="Comptoir Bastille", siret="84321000600012",
                                  address_line="12 rue de la Roquette", postal_code="75011", city="Paris")
        pos_api.set_manager_pin(user_id=User.objects.get(username="manon").pk, pin=DEMO_MANAGER_PIN)
    return (f"till: register Caisse 1 at Boutique Paris Bastille; cashier yanis, manager manon "
            f"(PIN {DEMO_MANAGER_PIN} to approve discounts and returns)")


CATALOG = {
    ("Mode", "Écharpes"): ("Écharpe", ["en laine mérinos", "en cachemire", "en coton bio", "à franges", "tricotée main", "en lin lavé"], ["Unique"], (19, 89)),
    ("Mode", "Pulls"): ("Pull", ["marin rayé", "col roulé", "en laine d'agneau", "torsadé", "en coton", "oversize"], ["S", "M", "L", "XL"], (39, 129)),
    ("Mode", "Bonnets"): ("Bonnet", ["côtelé", "à pompon", "en alpaga", "pêcheur"], ["Unique"], (15, 45)),
    ("Mode", "Chaussettes"): ("Chaussettes", ["rayées", "en laine", "à motifs", "de randonnée"], ["36-40", "41-45"], (8, 19)),
    ("Maison", "Bougies"): ("Bougie", ["parfumée figue", "parfumée cèdre", "en cire de soja", "trois mèches"], ["150 g", "300 g"], (12, 39)),
    ("Maison", "Arts de la table"): ("Tasse", ["en grès", "émaillée", "à café", "à thé"], ["Unique"], (9, 24)),
    ("Maison", "Linge"): ("Plaid", ["en laine", "à carreaux", "en lin", "matelassé"], ["130x170", "150x200"], (49, 149)),
    ("Papeterie", "Carnets"): ("Carnet", ["ligné", "pointillé", "en cuir", "recyclé"], ["A5", "A6"], (6, 29)),
}
COLOURS = ["Bleu", "Rouge", "Vert sapin", "Écru", "Noir", "Gris chiné", "Moutarde", "Bordeaux"]
LOCATIONS = [("paris-bastille", "Boutique Paris Bastille", "shop", False), ("lyon-croix-rousse", "Boutique Lyon Croix-Rousse", "shop", False),
             ("metz-centre", "Boutique Metz Centre", "shop", False), ("entrepot-orleans", "Entrepôt Orléans", "warehouse", True)]


def _ean(n: int) -> str:
    from stdnum import ean

    body = f"3760{n:08d}"
    return body + ean.calc_check_digit(body)


def _seed_catalog_and_stock(rng: random.Random) -> tuple[int, int]:
    if catalog_api.category_id_by_slug(slug="mode"):
        return 0, 0
    locations = [inventory_api.create_location(code=c, name=n, kind=k, serves_web=w) for c, n, k, w in LOCATIONS]
    roots, n_products, n_variants, serial = {}, 0, 0, 0
    for (root, leaf), (noun, adjectives, sizes, (lo, hi)) in CATALOG.items():
        if root not in roots:
            roots[root] = catalog_api.create_category(name=root)
        leaf_id = catalog_api.create_category(name=leaf, parent_id=roots[root])
        for adjective in adjectives:
            for colour in rng.sample(COLOURS, 6):
                n_products += 1
                price = f"{rng.randint(lo, hi)}.{rng.choice(['00', '50', '90', '95'])}"
                variants = []
                for size in sizes:
                    serial += 1
                    variants.append({"sku": f"{noun[:3].upper()}-{n_products:04d}-{size.replace(' ', '')}",
                                     "ean13": _ean(serial), "price": price, "attributes": {"taille": size, "couleur": colour}})
                made = catalog_api.create_product(
                    name=f"{noun} {adjective} {colour.lower()}", category_id=leaf_id, variants=variants,
                    vat_code="normal", brand=rng.choice(["Maison Comptoir", "Atelier du Nord", "Les Tricots de Lise"]),
                    description=f"{noun} {adjective}, coloris {colour.lower()}. Fabriqué en France.")
                for v in made:
                    n_variants += 1
                    for loc in rng.sample(locations[:3], 2) + [locations[3]]:
                        inventory_api.receive(variant_id=v.id, product_id=v.product_id, location_id=loc,
                                              quantity=rng.randint(0, 25) or 1, reference="demo: stock initial")
                        inventory_api.set_reorder_point(variant_id=v.id, location_id=loc, reorder_point=3)
    return n_products, n_variants


def _seed_contracts_and_agent() -> tuple[int, int]:
    """Maintenance contracts for the company clients, an agent who brought them, this month's invoices."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from contexts.core.models import Client

    companies = list(Client.objects.filter(kind="company").order_by("company_name")[:6])
    if not companies or commercial_api.has_contracts():
        return 0, 0
    commercial_api.create_agent_with_scale(
        name="Paul Lefèvre", email="paul.lefevre@apporteurs.fr", client_ids=[c.id for c in companies[:3]],
        tiers=[(Decimal("0"), Decimal("5")), (Decimal("1000"), Decimal("8")), (Decimal("5000"), Decimal("10"))])
    today = timezone.localdate()
    start = today.replace(day=1)
    for c in companies:
        commercial_api.create_signed_contract(
            client_id=c.id, title=f"Maintenance caisse et logiciel — {c.company_name}", start_date=start,
            end_date=start + datetime.timedelta(days=365), signed_by="Gérant(e)",
            lines=[{"label": "Abonnement logiciel de caisse", "quantity": "1", "unit_price_net": "49.00", "vat_rate": "20"},
                   {"label": "Maintenance matériel", "quantity": "1", "unit_price_net": "19.00", "vat_rate": "20"}])
    return len(companies), commercial_api.bill_contracts(today=today)


# The demo organisation's legal identity: what its invoices print (SIREN and VAT number pass their
# check digits; the IBAN is a valid test IBAN, no real account).
DEMO_LEGAL_IDENTITY = {
    "legal_name": "La Boutique du Comptoir SAS", "siren": "843210006", "vat_number": "FR10843210006",
    "address_line": "12 rue de la Roquette", "postal_code": "75011", "city": "Paris", "country": "FR",
    "email": "compta@boutique-comptoir.fr", "iban": "FR7630006000011234567890189",
}


def _ensure_legal_identity() -> bool:
    """Fills what the demo organisation's identity lacks (the active tenant), keeping what is set."""
    from django.db import connection

    from contexts.core.tenancy.models import Organisation

    org = connection.tenant
    missing = {k: v for k, v in DEMO_LEGAL_IDENTITY.items() if not getattr(org, k, "")}
    if missing:
        for key, value in missing.items():
            setattr(org, key, value)
        Organisation.objects.filter(pk=org.pk).update(**missing)
    return bool(missing)


def connection_tenant_legal_line() -> str:
    from django.db import connection

    org = connection.tenant
    return f"{org.legal_name}, SIREN {org.siren}, TVA {org.vat_number}, {org.address_line} {org.postal_code} {org.city}"


def seed_demo(*, rng: random.Random, password: str) -> list[str]:
    lines = []
    _ensure_legal_identity()  # before the contracts' invoices: issuing needs it
    lines.append(f"seller: {connection_tenant_legal_line()}")
    with transaction.atomic():
        products, variants = _seed_catalog_and_stock(rng)
    lines.append(f"catalog: {products} products, {variants} variants in 3 shops and a warehouse")
    lines.append(f"clients: {_seed_clients(rng)} created")
    contracts, invoices = _seed_contracts_and_agent()
    lines.append(f"contracts: {contracts} signed, {invoices} invoiced this month; an agent with a progressive scale")
    lines.append(f"staff: {', '.join(_seed_staff(password))} (password as admin)")
    lines.append(_seed_till())
    return lines
