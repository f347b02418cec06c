"""Outside development (DJANGO_DEBUG off) no process starts with a missing secret or one this
repository ships (docs/operations.md, Secrets)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import secrets

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = {
    "DJANGO_SECRET_KEY": "x" * 20 + "a-real-random-secret-key-0123",
    "JWT_SIGNING_KEY": "y" * 20 + "another-random-signing-key-456",
    "STRIPE_WEBHOOK_SECRET": "whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "STRIPE_SECRET_KEY": "sk_live_51Habcdefghijklmnopqrstuvwxyz",
    "POS_JOURNAL_SECRET": "z" * 20 + "the-till-journal-signing-secret",
    "WOOCOMMERCE_FERNET_KEY": "cmVhbC1mZXJuZXQta2V5LWZvci10aGUtc2hvcHMtMDE=",
}


GOOD_FERNET_FIRST = "bmV3LWZlcm5ldC1rZXktZm9yLXRoZS1zaG9wcy0wMTI="


def test_a_complete_set_of_secrets_passes():
    assert secrets.problems(GOOD) == []


def test_fernet_keys_rotate_comma_separated():
    assert secrets.problems({**GOOD, "WOOCOMMERCE_FERNET_KEY": f"{GOOD_FERNET_FIRST}, {GOOD['WOOCOMMERCE_FERNET_KEY']}"}) == []


def test_the_test_settings_satisfy_the_production_checks():
    import config.settings_test  # noqa: F401 (sets the test values in the environment)

    assert secrets.problems(os.environ) == []


@pytest.mark.parametrize("name,value,words", [
    ("DJANGO_SECRET_KEY", "", "DJANGO_SECRET_KEY"),
    ("DJANGO_SECRET_KEY", "dev-insecure-secret-key-change-me-in-production", "DJANGO_SECRET_KEY"),
    ("DJANGO_SECRET_KEY", "short", "DJANGO_SECRET_KEY"),
    ("JWT_SIGNING_KEY", "", "JWT_SIGNING_KEY"),
    ("JWT_SIGNING_KEY", GOOD["DJANGO_SECRET_KEY"], "differ"),
    ("STRIPE_WEBHOOK_SECRET", "whsec_comptoir_dev", "STRIPE_WEBHOOK_SECRET"),
    ("STRIPE_WEBHOOK_SECRET", "", "STRIPE_WEBHOOK_SECRET"),
    ("STRIPE_SECRET_KEY", "sk_test_comptoir", "STRIPE_SECRET_KEY"),
    ("STRIPE_SECRET_KEY", "sk_test_51Hrealtestkey", "test key"),
    ("STRIPE_API_BASE", "http://127.0.0.1:8420", "STRIPE_API_BASE"),
    ("POS_JOURNAL_SECRET", "", "POS_JOURNAL_SECRET"),
    ("POS_JOURNAL_SECRET", "dev-insecure-secret-key-change-me-in-production", "POS_JOURNAL_SECRET"),
    ("POS_JOURNAL_SECRET", "short", "POS_JOURNAL_SECRET"),
    ("WOOCOMMERCE_FERNET_KEY", "", "WOOCOMMERCE_FERNET_KEY"),
    ("WOOCOMMERCE_FERNET_KEY", "not-a-fernet-key", "WOOCOMMERCE_FERNET_KEY"),
    ("WOOCOMMERCE_FERNET_KEY", GOOD_FERNET_FIRST + ",short", "WOOCOMMERCE_FERNET_KEY"),
])
def test_each_missing_or_default_secret_is_named(name, value, words):
    env = {**GOOD, name: value}
    found = secrets.problems(env)
    assert len(found) == 1 and words in found[0], found


def test_a_test_key_is_allowed_on_a_staging_deployment_that_says_so():
    assert secrets.problems({**GOOD, "STRIPE_SECRET_KEY": "sk_test_51Hreal", "STRIPE_ALLOW_TEST_KEY": "1"}) == []


def _setup(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_SECRET_KEY",
                          "STRIPE_ALLOW_TEST_KEY", "STRIPE_API_BASE", "DJANGO_DEBUG", "POS_JOURNAL_SECRET",
                          "WOOCOMMERCE_FERNET_KEY"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_a_production_process_refuses_to_start_with_the_repository_defaults():
    refused = _setup({"DJANGO_DEBUG": "0"})
    assert refused.returncode != 0
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "STRIPE_WEBHOOK_SECRET", "POS_JOURNAL_SECRET",
                 "WOOCOMMERCE_FERNET_KEY"):
        assert name in refused.stderr
    assert _setup({"DJANGO_DEBUG": "0", **GOOD}).returncode == 0
    for name in ("POS_JOURNAL_SECRET", "WOOCOMMERCE_FERNET_KEY"):  # each one alone is enough to refuse
        alone = _setup({"DJANGO_DEBUG": "0", **{k: v for k, v in GOOD.items() if k != name}})
        assert alone.returncode != 0 and name in alone.stderr, alone.stderr
    assert _setup({"DJANGO_DEBUG": "1"}).returncode == 0  # development: the defaults are fine


def test_jwt_tokens_are_signed_with_their_own_key(settings):
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY


def test_a_token_signed_with_the_secret_key_instead_of_the_jwt_key_is_refused(tenant, settings):
    import jwt

    from tests.conftest import make_api_client
    from tests.factories import commercial as f

    customer = f.customer()
    genuine = f.customer_token(customer)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")
    shop = make_api_client(tenant)
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {genuine}")
    assert shop.get(f"/api/v1/customers/{customer.id}/orders").status_code == 200
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert shop.get(f"/api/v1/customers/{customer.id}/orders").status_code == 401
