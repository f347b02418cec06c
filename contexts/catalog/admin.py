from django.contrib import admin
from django.db.models import Count

from contexts.catalog.content import admin as content_admin  # registers the AI content pages
from contexts.catalog.models import Category, PriceList, PriceListItem, Product, ProductImage, Promotion, VatClass, Variant
from contexts.catalog.services import categories, products
from contexts.catalog.selectors import PRODUCT_EXPORT_FIELDS
from crm.exports import csv_admin_action
from crm.adminkit import ModelAdmin, TabularInline


class VariantInline(TabularInline):
    model = Variant
    extra = 0
    fields = ("sku", "ean13", "attributes", "price", "cost_price", "is_active")


class ImageInline(TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Product)
class ProductAdmin(ModelAdmin):
    actions = [csv_admin_action(PRODUCT_EXPORT_FIELDS, "products.csv"), *content_admin.PRODUCT_ACTIONS]
    list_display = ("name", "brand", "category", "vat_class", "variant_count", "is_active")
    list_filter = ("is_active", "vat_class", "category")
    search_fields = ("name", "brand", "variants__sku", "variants__ean13")
    list_select_related = ("category", "vat_class")
    inlines = [VariantInline, ImageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_variants=Count("variants"))

    @admin.display(description="variants", ordering="_variants")
    def variant_count(self, obj):
        return obj._variants

    def save_formset(self, request, form, formset, change):
        """A variant's price goes through products.set_price, as in the API: it publishes
        catalog.price.changed (the other fields are saved as they are, audited by the signals)."""
        if formset.model is Variant:
            new_prices = {}
            for variant in formset.save(commit=False):
                if variant.ean13:
                    products.validate_ean13(variant.ean13)
                variant.sku = variant.sku.strip().upper()
                if variant.pk and not variant._state.adding:
                    old = Variant.objects.filter(pk=variant.pk).values_list("price", flat=True).first()
                    if old is not None and old != variant.price:
                        new_prices[variant.pk] = variant.price
                        variant.price = old  # the service changes it, and says so
                variant.save()
            for variant_id, new_price in new_prices.items():
                products.set_price(variant_id=variant_id, price=new_price)
            for obj in formset.deleted_objects:
                obj.delete()
            products.product_reindex(product_id=form.instance.pk)
        else:
            formset.save()


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ("indented_name", "slug", "depth")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "parent", "position")
    list_select_related = ("parent",)

    @admin.display(description="name", ordering="path")
    def indented_name(self, obj):
        return ("— " * obj.depth) + obj.name

    def save_model(self, request, obj, form, change):
        if not change:
            created = categories.category_create(name=obj.name, parent_id=obj.parent_id, slug=obj.slug, position=obj.position)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        if "parent" in form.changed_data:
            categories.category_move(category_id=obj.pk, new_parent_id=obj.parent_id)
        categories.category_update(category_id=obj.pk, name=obj.name, slug=obj.slug, position=obj.position)


class PriceListItemInline(TabularInline):
    model = PriceListItem
    extra = 0
    raw_id_fields = ("variant",)


@admin.register(PriceList)
class PriceListAdmin(ModelAdmin):
    list_display = ("name", "channel", "client_group", "priority", "valid_from", "valid_until", "is_active")
    list_filter = ("channel", "is_active")
    inlines = [PriceListItemInline]


@admin.register(Promotion)
class PromotionAdmin(ModelAdmin):
    list_display = ("name", "kind", "value", "coupon_code", "channel", "valid_from", "valid_until", "is_active")
    list_filter = ("kind", "channel", "is_active")
    search_fields = ("name", "coupon_code")
    raw_id_fields = ("variants",)
    list_select_related = ("category",)


@admin.register(VatClass)
class VatClassAdmin(ModelAdmin):
    list_display = ("name", "code", "rate")
