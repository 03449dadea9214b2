import json

import pytest

from tests.test_production import manage

pytestmark = pytest.mark.django_db

LICENCE_LINK = '<https://creativecommons.org/publicdomain/zero/1.0/deed.sv>; rel="license"'
API_URLS = ["/api/regioner/", "/api/regioner/kronoberg/", "/api/program/", "/api/projekt/"]
EXPORT_URLS = ["/projekt/export.csv", "/projekt/export.json"]


@pytest.mark.parametrize(
    "url, status",
    [
        *((url, 200) for url in API_URLS),
        ("/api/projekt/messe/", 200),
        ("/api/projekt/finns-inte/", 404),
        ("/api/projekt/?page=9", 404),
        ("/api/projekt/?region=finns-inte", 400),
        ("/api/schema/", 200),
    ],
)
def test_every_answer_names_the_licence_of_the_data(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Link"] == LICENCE_LINK


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_the_api_is_read_only_and_says_so_in_json(client, method):
    response = getattr(client, method)("/api/projekt/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert json.loads(response.content) == {"fel": [f'Metoden "{method.upper()}" tillåts inte.']}
    assert response["Link"] == LICENCE_LINK


def test_json_whatever_the_client_accepts(client):
    for accept in ["text/csv", "text/html", "application/xml"]:
        response = client.get("/api/regioner/", headers={"accept": accept})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
    # No browsable API: a browser gets the same JSON.
    assert json.loads(response.content)["count"] == 12


def test_head_answers_without_a_body(client):
    response = client.head("/api/projekt/")
    assert response.status_code == 200
    assert response.content == b""


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATE = "3/min"


def test_a_client_over_the_limit_is_told_in_swedish_when_to_come_back(client, three_a_minute):
    for url in ["/api/projekt/", "/api/regioner/", "/api/projekt/finns-inte/"]:
        assert client.get(url).status_code in (200, 404)
    response = client.get("/api/program/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 0 < int(response["Retry-After"]) <= 60
    (message,) = json.loads(response.content)["fel"]
    assert message.startswith("För många anrop från samma adress.")
    assert message.endswith(f"Försök igen om {response['Retry-After']} sekunder.")
    assert response["Link"] == LICENCE_LINK


def test_the_limit_counts_each_client_address(client, settings, three_a_minute):
    for _ in range(3):
        assert client.get("/api/regioner/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get("/api/regioner/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/api/regioner/", REMOTE_ADDR="192.0.2.2").status_code == 200
    # Behind a trusted proxy: the address it saw, not one the client wrote before it.
    settings.TRUSTED_PROXY_COUNT = 1
    for forged in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]:
        response = client.get(
            "/api/regioner/",
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7",
        )
    assert response.status_code == 429
    other = client.get(
        "/api/regioner/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 200


def test_the_limit_counts_what_the_page_cache_would_have_answered(client, settings, three_a_minute):
    settings.CACHE_UNTIL_DATA_CHANGES = True
    for _ in range(3):
        assert client.get("/api/projekt/?region=skane").status_code == 200
    assert client.get("/api/projekt/?region=skane").status_code == 429


def test_the_exports_are_not_limited(client, settings):
    settings.API_THROTTLE_RATE = "1/min"
    for url in EXPORT_URLS * 2:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)


ORIGIN = "https://nyhetsgrafik.example"


@pytest.mark.parametrize("url", [*API_URLS, "/api/schema/", *EXPORT_URLS])
def test_scripts_on_any_site_may_read_the_api_and_the_exports(client, url):
    response = client.get(url, headers={"origin": ORIGIN})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert {"link", "retry-after"} <= set(
        response["Access-Control-Expose-Headers"].lower().split(", ")
    )


@pytest.mark.parametrize("url", ["/api/projekt/", "/projekt/export.json"])
def test_a_preflight_for_get_is_answered(client, url):
    response = client.options(
        url,
        headers={"origin": ORIGIN, "access-control-request-method": "GET"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    "url",
    ["/", "/projekt/", "/projekt/messe/", "/projekt/flode/", "/data/", "/regioner/kronoberg/"],
)
def test_the_rest_of_the_site_gets_no_cors_headers(client, url):
    response = client.get(url, headers={"origin": ORIGIN})
    assert not [name for name in response.headers if name.lower().startswith("access-control")]


@pytest.mark.parametrize("rate", ["", "many", "120", "0/min", "120/week"])
def test_a_fair_use_limit_that_cannot_be_read_stops_the_portal(rate):
    result = manage("check", env={"API_THROTTLE_RATE": rate})
    assert result.returncode != 0
    assert "API_THROTTLE_RATE must be a number of requests per s, m, h or d." in result.stderr


def test_the_fair_use_limit_is_read_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.API_THROTTLE_RATE)",
        env={"API_THROTTLE_RATE": "30/h"},
    )
    assert result.stdout.strip().endswith("30/h")
