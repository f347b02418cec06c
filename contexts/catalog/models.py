"""Catalog data: categories (a tree by materialized path), products and their variants, VAT
classes, price lists and promotions. Other contexts keep variant and product UUIDs."""
import uuid

from django.db import models
from django.db.models import Q


class VatClass(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    rate = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-rate"]
        verbose_name = "VAT class"
        verbose_name_plural = "VAT classes"
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=100), name="catalog_vat_rate_range")]

    def __str__(self):
        return f"{self.name} ({self.rate.normalize()} %)"


class Category(models.Model):
    """A node of the tree. `path` is the chain of ids from the root ("<root>/<child>/"), so a
    subtree is one prefix query and a move rewrites one prefix."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.TextField(editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="catalog_category_not_own_parent"),
            models.UniqueConstraint(fields=["parent", "slug"], name="catalog_category_slug_unique"),
            models.UniqueConstraint(fields=["slug"], condition=Q(parent__isnull=True), name="catalog_root_slug_unique"),
        ]

    def __str__(self):
        return self.name


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    brand = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    vat_class = models.ForeignKey(VatClass, on_delete=models.PROTECT, related_name="products")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["category", "is_active"])]

    def __str__(self):
        return self.name


class Variant(models.Model):
    """What is sold and stocked: a SKU, an optional EAN-13, attributes (size, colour) and a
    base price, VAT included (French retail prices are shown TTC)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=40, unique=True)
    ean13 = models.CharField(max_length=13, null=True, blank=True, unique=True)
    attributes = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="base price, VAT included")
    is_active = models.BooleanField(default=True)
    # Accent-free lower-case text of the product and variant, kept by the services; PostgreSQL
    # derives the French full-text vector from it (generated column, see migration 0002).
    search_text = models.TextField(blank=True, editable=False)
    name_norm = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_not_negative"),
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

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        ordering = ["word"]


class ProductImage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(upload_to="catalog/", blank=True)
    url = models.URLField(blank=True)
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "position"]


class Channel(models.TextChoices):
    ANY = "any", "All channels"
    SHOP = "shop", "Shop"
    WEB = "web", "Web"


class PriceList(models.Model):
    """Prices that replace the base price on a channel, for a client group, for a while."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.ANY)
    client_group = models.CharField(max_length=50, blank=True, help_text="empty: every client")
    priority = models.PositiveSmallIntegerField(default=0, help_text="the highest applicable list wins")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "name"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True)
                                              | Q(valid_until__gt=models.F("valid_from")), name="catalog_pricelist_dates")]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_items")
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["price_list", "variant"], name="catalog_pricelist_item_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_pricelist_price_not_negative"),
        ]


class PromotionKind(models.TextChoices):
    PERCENT = "percent", "Percent off"
    FIXED = "fixed", "Amount off each unit"
    BUY_X_GET_Y = "bxgy", "Buy X, get Y free"


class Promotion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=PromotionKind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=0, help_text="percent, or amount off per unit")
    buy_quantity = models.PositiveSmallIntegerField(default=0)
    free_quantity = models.PositiveSmallIntegerField(default=0)
    coupon_code = models.CharField(max_length=40, null=True, blank=True, unique=True, help_text="empty: automatic")
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.ANY)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="promotions",
                                 help_text="this category and its subcategories")
    variants = models.ManyToManyField(Variant, blank=True, related_name="promotions")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="percent") | (Q(value__gt=0) & Q(value__lte=100)), name="catalog_promo_percent_range"),
            models.CheckConstraint(condition=~Q(kind="fixed") | Q(value__gt=0), name="catalog_promo_fixed_positive"),
            models.CheckConstraint(condition=~Q(kind="bxgy") | (Q(buy_quantity__gt=0) & Q(free_quantity__gt=0)), name="catalog_promo_bxgy_quantities"),
        ]

    def __str__(self):
        return self.name
