"""Catalog: categories, products, variants (SKU, EAN-13), attributes, VAT classes, price lists, promotions and coupons, search."""
