"""Catalog API shapes. The storefront (anonymous visitors and customers) sees active products
with prices VAT included and an availability level; staff with `catalog.view_product` see
inactive products and variants too, with their stock figures."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contexts.catalog import selectors
from contexts.catalog.models import Category, Product, Variant

PRICE_HELP = "base price, VAT included (TTC)"
AVAILABILITY_HELP = ('"in_stock", "low" (at or below the reorder point) or "out", from the stock of the '
                     "web-serving locations")


class VariantOutput(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, help_text=PRICE_HELP)

    class Meta:
        model = Variant
        fields = ["id", "sku", "ean13", "label", "attributes", "price"]


class StorefrontVariantOutput(VariantOutput):
    availability = serializers.SerializerMethodField(help_text=AVAILABILITY_HELP)

    class Meta(VariantOutput.Meta):
        fields = VariantOutput.Meta.fields + ["availability"]

    @extend_schema_field(serializers.ChoiceField(choices=selectors.AVAILABILITY_CHOICES))
    def get_availability(self, variant) -> str:  # the view puts the page's levels in the context
        return self.context["availability"].get(variant.id, selectors.OUT)


class StockOutput(serializers.Serializer):
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    reorder_point = serializers.IntegerField()


class StaffVariantOutput(StorefrontVariantOutput):
    stock = serializers.SerializerMethodField(help_text="summed over every location")

    cost_price = serializers.DecimalField(max_digits=12, decimal_places=4, read_only=True, allow_null=True,
                                          help_text="unit cost excl. VAT (staff only; null: unknown)")

    class Meta(StorefrontVariantOutput.Meta):
        fields = StorefrontVariantOutput.Meta.fields + ["is_active", "stock", "cost_price"]

    @extend_schema_field(StockOutput)
    def get_stock(self, variant) -> dict:
        s = self.context["stock"].get(variant.id)
        return {"on_hand": s.on_hand if s else 0, "reserved": s.reserved if s else 0,
                "available": s.available if s else 0, "reorder_point": s.reorder_point if s else 0}


class CategoryRef(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductOutput(serializers.ModelSerializer):
    """A product as the storefront shows it."""

    category = CategoryRef(read_only=True)
    vat_rate = serializers.DecimalField(source="vat_class.rate", max_digits=5, decimal_places=2, read_only=True)
    availability = serializers.SerializerMethodField(help_text="the best of its variants: " + AVAILABILITY_HELP)
    variants = StorefrontVariantOutput(many=True, read_only=True)
    images = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "name", "brand", "description", "category", "vat_rate", "availability", "variants", "images"]

    def get_images(self, product) -> list[str]:
        return [i.url or (i.file.url if i.file else "") for i in product.images.all()]

    @extend_schema_field(serializers.ChoiceField(choices=selectors.AVAILABILITY_CHOICES))
    def get_availability(self, product) -> str:
        levels = self.context["availability"]
        return selectors.product_availability(levels.get(v.id, selectors.OUT) for v in product.variants.all())


class StaffProductOutput(ProductOutput):
    """Staff's richer view: inactive products and variants, stock figures, dates."""

    variants = StaffVariantOutput(many=True, read_only=True)

    class Meta(ProductOutput.Meta):
        fields = ProductOutput.Meta.fields + ["is_active", "created_at", "updated_at"]


@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}})
class _Children(serializers.ListField):
    pass


class CategoryNode(serializers.Serializer):
    """A node of the category tree (documentation: the view returns the selector's dicts)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    children = _Children()


class SearchHit(serializers.Serializer):
    variant = VariantOutput(source="*")
    product_id = serializers.UUIDField(source="product.id")
    product_name = serializers.CharField(source="product.name")
    category = serializers.CharField(source="product.category.name")


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=200, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class ProductFilterInput(serializers.Serializer):
    category = serializers.UUIDField(required=False)
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    available = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        lo, hi = attrs.get("min_price"), attrs.get("max_price")
        if lo is not None and hi is not None and lo > hi:
            raise serializers.ValidationError({"max_price": ["max_price is below min_price."]})
        return attrs
