"""Settings of the test suite: production's (DJANGO_DEBUG off) with the secrets a production
process requires, set to test values (processes started by the tests inherit them)."""
import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789abcdef0123456789")
os.environ.setdefault("JWT_SIGNING_KEY", "test-only-jwt-signing-key-0123456789abcdef01234567")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_comptoir_tests_only")
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_comptoir_tests")
os.environ.setdefault("STRIPE_ALLOW_TEST_KEY", "1")
os.environ.setdefault("POS_JOURNAL_SECRET", "test-only-pos-journal-secret-0123456789abcdef01")
os.environ.setdefault("WOOCOMMERCE_FERNET_KEY", "dGVzdC1vbmx5LWZlcm5ldC1rZXktMDEyMzQ1Njc4OWE=")
# Webhook receivers of the tests listen on loopback; their retries come within seconds.
os.environ.setdefault("WEBHOOKS_ALLOW_PRIVATE", "1")
os.environ.setdefault("WEBHOOKS_BACKOFF_SECONDS", "0.5")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

from config.settings import *  # noqa: E402,F401,F403

# Tests rewrite tenant rows with queryset updates (no signal): the hostname -> tenant cache is
# off, except in the tests that measure it (tests/kernel/test_tenant_cache.py, the hot-path budgets).
# (A benchmark starting gunicorn with these settings sets TENANT_CACHE_SECONDS as production does.)
TENANT_CACHE_SECONDS = int(os.environ.get("TENANT_CACHE_SECONDS", "0"))
# Tests roll back their writes (no commit, so no version bump) and reuse the same schemas: the
# storefront cache is off, except in the tests that measure or check it
# (tests/contexts/catalog/test_storefront_cache.py, the hot-path budgets).
STOREFRONT_CACHE_SECONDS = int(os.environ.get("STOREFRONT_CACHE_SECONDS", "0"))
