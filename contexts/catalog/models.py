"""Catalog data: categories (a tree by materialized path), products and their variants, VAT
classes, price lists and promotions. Other contexts keep variant and product UUIDs."""

from django.db import models
from django.db.models import Q
from crm.models import UUIDModel


class VatClass(models.Model):
    code = models.SlugField(verbose_name="code", max_length=30, unique=True)
    name = models.CharField(verbose_name="nom", max_length=60)
    rate = models.DecimalField(verbose_name="taux", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "classe de TVA"
        verbose_name_plural = "classes de TVA"
        ordering = ["-rate"]
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=100), name="catalog_vat_rate_range")]

    def __str__(self):
        return f"{self.name} ({self.rate.normalize():f} %)"  # 20 %, not 2E+1 %


class Category(UUIDModel):
    """A node of the tree. `path` is the chain of ids from the root ("<root>/<child>/"), so a
    subtree is one prefix query and a move rewrites one prefix."""

    name = models.CharField(verbose_name="nom", max_length=120)
    slug = models.SlugField(verbose_name="slug", max_length=140)
    parent = models.ForeignKey("self", verbose_name="parent", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.TextField(verbose_name="chemin", editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(verbose_name="profondeur", default=0, editable=False)
    position = models.PositiveIntegerField(verbose_name="position", default=0)

    class Meta:
        verbose_name = "catégorie"
        verbose_name_plural = "catégories"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="catalog_category_not_own_parent"),
            models.UniqueConstraint(fields=["parent", "slug"], name="catalog_category_slug_unique"),
            models.UniqueConstraint(fields=["slug"], condition=Q(parent__isnull=True), name="catalog_root_slug_unique"),
        ]

    def __str__(self):
        return self.name


class Product(UUIDModel):
    name = models.CharField(verbose_name="nom", max_length=200)
    description = models.TextField(verbose_name="description", blank=True)
    brand = models.CharField(verbose_name="marque", max_length=100, blank=True)
    category = models.ForeignKey(Category, verbose_name="catégorie", on_delete=models.PROTECT, related_name="products")
    vat_class = models.ForeignKey(VatClass, verbose_name="classe de TVA", on_delete=models.PROTECT, related_name="products")
    is_active = models.BooleanField(verbose_name="actif", default=True)
    created_at = models.DateTimeField(verbose_name="créé le", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="modifié le", auto_now=True)

    class Meta:
        verbose_name = "produit"
        verbose_name_plural = "produits"
        ordering = ["name"]
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self):
        return self.name


class Variant(UUIDModel):
    """What is sold and stocked: a SKU, an optional EAN-13, attributes (size, colour) and a
    base price, VAT included (French retail prices are shown TTC)."""

    product = models.ForeignKey(Product, verbose_name="produit", on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(verbose_name="référence (SKU)", max_length=40, unique=True)
    ean13 = models.CharField(verbose_name="EAN-13", max_length=13, null=True, blank=True, unique=True)
    attributes = models.JSONField(verbose_name="attributs", default=dict, blank=True)
    price = models.DecimalField(verbose_name="prix TTC", max_digits=12, decimal_places=2, help_text="prix de base, TVA comprise")
    cost_price = models.DecimalField(verbose_name="prix de revient HT", max_digits=12, decimal_places=4, null=True, blank=True,
                                     help_text="coût d'achat unitaire hors TVA (facultatif) : marge des rapports")
    is_active = models.BooleanField(verbose_name="actif", default=True)
    # Accent-free lower-case text of the product and variant, kept by the services; PostgreSQL
    # derives the French full-text vector from it (generated column, see migration 0002).
    search_text = models.TextField(verbose_name="texte de recherche", blank=True, editable=False)
    name_norm = models.CharField(verbose_name="nom normalisé", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "variante"
        verbose_name_plural = "variantes"
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                                   name="catalog_variant_cost_price_not_negative"),
            models.CheckConstraint(condition=Q(ean13__isnull=True) | Q(ean13__regex=r"^[0-9]{13}$"), name="catalog_ean13_digits"),
        ]

    def __str__(self):
        return f"{self.product.name} {self.label}".strip() if self.label else self.product.name

    @property
    def label(self) -> str:
        return " / ".join(str(v) for v in self.attributes.values())


class SearchWord(models.Model):
    """Every word of the catalog's search text, once: typo correction looks here (a small
    table with a trigram index) before running the full-text search again."""

    word = models.CharField(verbose_name="mot", max_length=60, primary_key=True)

    class Meta:
        verbose_name = "mot de recherche"
        verbose_name_plural = "mots de recherche"
        ordering = ["word"]


class ProductImage(UUIDModel):
    product = models.ForeignKey(Product, verbose_name="produit", on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(verbose_name="fichier", upload_to="catalog/", blank=True)
    url = models.URLField(verbose_name="URL", blank=True)
    alt = models.CharField(verbose_name="texte alternatif", max_length=200, blank=True)
    position = models.PositiveIntegerField(verbose_name="position", default=0)

    class Meta:
        verbose_name = "image produit"
        verbose_name_plural = "images produit"
        ordering = ["product", "position"]


class Channel(models.TextChoices):
    ANY = "any", "Tous canaux"
    SHOP = "shop", "Boutique"
    WEB = "web", "En ligne"


class PriceList(UUIDModel):
    """Prices that replace the base price on a channel, for a client group, for a while."""

    name = models.CharField(verbose_name="nom", max_length=100)
    channel = models.CharField(verbose_name="canal", max_length=4, choices=Channel.choices, default=Channel.ANY)
    client_group = models.CharField(verbose_name="groupe de clients", max_length=50, blank=True, help_text="vide : tous les clients")
    priority = models.PositiveSmallIntegerField(verbose_name="priorité", default=0, help_text="la liste applicable la plus prioritaire l'emporte")
    valid_from = models.DateTimeField(verbose_name="valide du", null=True, blank=True)
    valid_until = models.DateTimeField(verbose_name="valide jusqu'au", null=True, blank=True)
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "liste de prix"
        verbose_name_plural = "listes de prix"
        ordering = ["-priority", "name"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True)
                                              | Q(valid_until__gt=models.F("valid_from")), name="catalog_pricelist_dates")]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, verbose_name="liste de prix", on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, verbose_name="variante", on_delete=models.CASCADE, related_name="price_items")
    price = models.DecimalField(verbose_name="prix TTC", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "prix de liste"
        verbose_name_plural = "prix de liste"
        constraints = [
            models.UniqueConstraint(fields=["price_list", "variant"], name="catalog_pricelist_item_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_pricelist_price_not_negative"),
        ]


class PromotionKind(models.TextChoices):
    PERCENT = "percent", "Remise en pourcentage"
    FIXED = "fixed", "Remise en montant par unité"
    BUY_X_GET_Y = "bxgy", "X achetés, Y offerts"


class Promotion(UUIDModel):
    name = models.CharField(verbose_name="nom", max_length=120)
    kind = models.CharField(verbose_name="type", max_length=8, choices=PromotionKind.choices)
    value = models.DecimalField(verbose_name="valeur", max_digits=12, decimal_places=2, default=0, help_text="pourcentage, ou montant de remise par unité")
    buy_quantity = models.PositiveSmallIntegerField(verbose_name="quantité achetée", default=0)
    free_quantity = models.PositiveSmallIntegerField(verbose_name="quantité offerte", default=0)
    coupon_code = models.CharField(verbose_name="code coupon", max_length=40, null=True, blank=True, unique=True, help_text="vide : automatique")
    channel = models.CharField(verbose_name="canal", max_length=4, choices=Channel.choices, default=Channel.ANY)
    category = models.ForeignKey(Category, verbose_name="catégorie", null=True, blank=True, on_delete=models.CASCADE, related_name="promotions",
                                 help_text="cette catégorie et ses sous-catégories")
    variants = models.ManyToManyField(Variant, verbose_name="variantes", blank=True, related_name="promotions")
    valid_from = models.DateTimeField(verbose_name="valide du", null=True, blank=True)
    valid_until = models.DateTimeField(verbose_name="valide jusqu'au", null=True, blank=True)
    is_active = models.BooleanField(verbose_name="actif", default=True)

    class Meta:
        verbose_name = "promotion"
        verbose_name_plural = "promotions"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="percent") | (Q(value__gt=0) & Q(value__lte=100)), name="catalog_promo_percent_range"),
            models.CheckConstraint(condition=~Q(kind="fixed") | Q(value__gt=0), name="catalog_promo_fixed_positive"),
            models.CheckConstraint(condition=~Q(kind="bxgy") | (Q(buy_quantity__gt=0) & Q(free_quantity__gt=0)), name="catalog_promo_bxgy_quantities"),
        ]

    def __str__(self):
        return self.name


# AI content (contexts/catalog/content): its models live in the catalog app.
from contexts.catalog.content.models import AiSettings, GenerationJob, ProductSeoText  # noqa: E402,F401
