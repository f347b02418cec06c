"""Uploaded files live under their tenant's prefix, and one tenant never reads another's file,
neither through the storage nor over HTTP by guessing its path (issue 9, item 13)."""
import io

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as HttpClient
from django_tenants.utils import tenant_context
from PIL import Image

from contexts.catalog.models import ProductImage
from tests.factories import catalog


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("scarf.png", buffer.getvalue(), content_type="image/png")


def _image(colour) -> ProductImage:
    return ProductImage.objects.create(product=catalog.product(), file=_png(colour), alt="Écharpe")


def test_two_tenants_uploading_the_same_file_name_get_their_own_folders(tenant, other_tenant, media_root):
    alpha = _image("red")
    with tenant_context(other_tenant):
        beta = _image("blue")
        beta_name = beta.file.name
    assert alpha.file.name == "alpha/catalog/scarf.png"
    assert beta_name == "beta/catalog/scarf.png"
    assert (media_root / "alpha" / "catalog" / "scarf.png").read_bytes() != (media_root / "beta" / "catalog" / "scarf.png").read_bytes()
    assert alpha.file.url == "/media/alpha/catalog/scarf.png"


def test_the_storage_refuses_another_tenant_s_file(tenant, other_tenant):
    with tenant_context(other_tenant):
        name = _image("blue").file.name
    assert connection.schema_name == "alpha"
    for guess in (name, "alpha/../beta/catalog/scarf.png", "../beta/catalog/scarf.png", "/etc/passwd"):
        with pytest.raises(SuspiciousFileOperation):
            default_storage.open(guess)
    # Whatever name a field asks for, it lands under the active tenant.
    assert default_storage.save("beta/catalog/evil.png", ContentFile(b"x")) == "alpha/beta/catalog/evil.png"


def test_catalog_images_are_served_on_their_tenant_s_host_only(tenant, other_tenant):
    name = _image("red").file.name
    alpha_host = HttpClient(SERVER_NAME="alpha.testserver")
    beta_host = HttpClient(SERVER_NAME="beta.testserver")
    response = alpha_host.get(f"/media/{name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for guess in (f"/media/{name}", "/media/beta/../alpha/catalog/scarf.png", "/media/beta/%2e%2e/alpha/catalog/scarf.png"):
        assert beta_host.get(guess).status_code == 404, guess


def test_other_files_are_served_to_the_tenant_s_staff_only(tenant, staff_user):
    name = default_storage.save("invoices/FA-2027-000001.pdf", ContentFile(b"%PDF-1.7 facture"))
    assert name == "alpha/invoices/FA-2027-000001.pdf"
    browser = HttpClient(SERVER_NAME="alpha.testserver")
    assert browser.get(f"/media/{name}").status_code == 404
    browser.force_login(staff_user)
    response = browser.get(f"/media/{name}")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
