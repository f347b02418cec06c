from rest_framework import serializers

from contexts.catalog.models import Category, Product, Variant


class VariantOutput(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Variant
        fields = ["id", "sku", "ean13", "label", "attributes", "price"]


class CategoryRef(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductOutput(serializers.ModelSerializer):
    category = CategoryRef(read_only=True)
    vat_rate = serializers.DecimalField(source="vat_class.rate", max_digits=5, decimal_places=2, read_only=True)
    variants = VariantOutput(many=True, read_only=True)
    images = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "name", "brand", "description", "category", "vat_rate", "variants", "images"]

    def get_images(self, product) -> list[str]:
        return [i.url or (i.file.url if i.file else "") for i in product.images.all()]


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
