"""The JavaScript budget of the public site (issue #23): every script a phone
downloads, compressed as it travels, fits in 8 KB. Members pay for data."""

import gzip
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 8 * 1024
JS_FOLDER = Path(settings.BASE_DIR) / "static" / "js"


def compressed(data):
    return len(gzip.compress(data, compresslevel=9))


def test_all_javascript_of_the_public_site_is_at_most_8_kb_compressed(client):
    files = {path.name: path.read_bytes() for path in sorted(JS_FOLDER.glob("*.js"))}
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    files["sw.js"] = worker.content
    assert "site.js" in files

    sizes = {name: compressed(data) for name, data in files.items()}

    assert sum(sizes.values()) <= BUDGET_BYTES, sizes
