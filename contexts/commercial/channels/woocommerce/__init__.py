"""WooCommerce sync: a tenant's WooCommerce shop (REST API v3) imported and kept in sync.

models.py     the connection (credentials encrypted at rest), sync runs and their report, the
              external-id links (a second run updates instead of duplicating)
crypto.py     Fernet encryption of the consumer key and secret
gateway.py    the only module that talks HTTP to the shop: pagination, per-tenant rate limit,
              429 + Retry-After, a circuit breaker shared through Redis
mapping.py    WooCommerce JSON -> plain values (pure functions)
sync.py       the run: fetch a page (no transaction open), apply it in a short transaction
              through catalog, inventory and core api.py and commercial's own orders
tasks.py      the Celery task (retries, backoff) and the beat job
rest.py       /api/v1/commercial/woocommerce/... ; admin.py the back office
See docs/woocommerce.md."""
