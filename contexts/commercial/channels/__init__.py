"""Sales channels of commercial that live outside Comptoir (a WooCommerce shop)."""
