"""The export of every project, saved on the way and read back until the data changes."""

import pytest
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext

from projects import saved_exports
from tests.conftest import make_project
from tests.projects.test_exports import CSV_URL, JSON_URL, csv_rows, streamed

pytestmark = pytest.mark.django_db

BOTH_FORMATS = pytest.mark.parametrize("url", [CSV_URL, JSON_URL])


@pytest.fixture
def export_files(settings, tmp_path):
    """Saving switched on, into a directory of the test's own."""
    settings.CACHE_UNTIL_DATA_CHANGES = True
    settings.EXPORT_FILES_DIR = str(tmp_path / "exports")
    return tmp_path / "exports"


def saved_files(directory):
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def content(response):
    """The whole body, saved file or stream, as the client gets it."""
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def project_queries(queries):
    return [query["sql"] for query in queries if "projects_project" in query["sql"]]


@BOTH_FORMATS
def test_the_first_download_is_saved_and_the_next_read_from_the_file(client, export_files, url):
    first = client.get(url)
    assert not isinstance(first, FileResponse)
    body = content(first)

    [name] = saved_files(export_files)
    assert name.endswith(url.rsplit(".", 1)[1])
    assert (export_files / name).read_bytes() == body

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
        assert isinstance(second, FileResponse)
        assert content(second) == body
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Type"] == first["Content-Type"]
    assert int(second["Content-Length"]) == len(body)
    # The list's years are still read for its filter; no project is read for the file.
    assert not [sql for sql in project_queries(queries.captured_queries) if "MIN(" not in sql]


def test_a_change_makes_the_next_download_anew_and_removes_the_old_file(client, export_files):
    content(client.get(CSV_URL))
    [old] = saved_files(export_files)

    make_project(title="Nytt projekt efter exporten")

    fresh = client.get(CSV_URL)
    assert not isinstance(fresh, FileResponse)
    titles = {row["Titel"] for row in csv_rows(fresh)[1]}
    assert "Nytt projekt efter exporten" in titles
    [new] = saved_files(export_files)
    assert new != old


@pytest.mark.parametrize("query", ["?region=skane", "?sort=region", "?q=säljbolag", "?year=2017"])
def test_a_filtered_or_sorted_download_is_never_saved(client, export_files, query):
    assert streamed(client.get(CSV_URL + query))
    assert saved_files(export_files) == []


def test_the_usual_order_asked_for_by_name_shares_the_saved_file(client, export_files):
    body = content(client.get(CSV_URL))
    again = client.get(CSV_URL + "?sort=titel&region=")
    assert isinstance(again, FileResponse)
    assert content(again) == body


def test_a_download_broken_off_leaves_nothing(client, export_files, monkeypatch):
    monkeypatch.setattr("projects.exports.LINES_PER_PIECE", 1)
    response = client.get(CSV_URL)
    pieces = iter(response.streaming_content)
    next(pieces)
    next(pieces)
    assert len(saved_files(export_files)) == 1  # the part being written
    response.close()  # as the server does when the reader goes away
    assert saved_files(export_files) == []


def test_data_changed_while_streaming_is_not_saved(client, export_files, monkeypatch):
    monkeypatch.setattr("projects.exports.LINES_PER_PIECE", 1)
    pieces = iter(client.get(CSV_URL).streaming_content)
    next(pieces)
    make_project(title="Ändrat under nedladdningen")
    assert b"".join(pieces)
    assert saved_files(export_files) == []


def test_each_host_gets_a_file_with_its_own_addresses(client, export_files, settings):
    settings.ALLOWED_HOSTS = ["testserver", "asf.example.se"]
    here = content(client.get(CSV_URL))
    there = content(client.get(CSV_URL, HTTP_HOST="asf.example.se"))
    assert b"http://asf.example.se/projekt/" in there
    assert b"http://asf.example.se/projekt/" not in here
    assert len(saved_files(export_files)) == 2
    assert content(client.get(CSV_URL, HTTP_HOST="asf.example.se")) == there


def test_a_directory_that_cannot_be_made_costs_the_saving_not_the_download(
    client, settings, tmp_path
):
    settings.CACHE_UNTIL_DATA_CHANGES = True
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.EXPORT_FILES_DIR = str(blocker / "exports")
    saving_off = streamed_without_saving(client, settings)
    assert content(client.get(CSV_URL)) == saving_off
    assert content(client.get(CSV_URL)) == saving_off


def test_a_disk_failing_while_writing_costs_the_saving_not_the_download(
    client, export_files, settings, monkeypatch
):
    saving_off = streamed_without_saving(client, settings)
    settings.EXPORT_FILES_DIR = str(export_files)
    made = saved_exports.new_part

    def failing_part(path):
        part = made(path)

        def write(data):
            raise OSError(28, "No space left on device")

        part.write = write
        return part

    monkeypatch.setattr(saved_exports, "new_part", failing_part)
    assert content(client.get(CSV_URL)) == saving_off
    assert saved_files(export_files) == []


def test_saving_is_off_with_the_other_caches(client, export_files, settings):
    settings.CACHE_UNTIL_DATA_CHANGES = False
    content(client.get(CSV_URL))
    assert saved_files(export_files) == []


def streamed_without_saving(client, settings):
    directory = settings.EXPORT_FILES_DIR
    settings.EXPORT_FILES_DIR = ""
    body = content(client.get(CSV_URL))
    settings.EXPORT_FILES_DIR = directory
    return body
