import re

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_pages_use_hashed_static_files_from_the_portal_itself(client, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
        html = client.get("/").content.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets and all(
        re.fullmatch(r"/static/css/\w+\.[0-9a-f]{12}\.css", s) for s in stylesheets
    )
    assert (tmp_path / stylesheets[0].removeprefix("/static/")).exists()
    # Nothing a page needs comes from elsewhere: no scripts, fonts or styles from other hosts.
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver)', html.split("<body")[0])
    assert "<script" not in html
