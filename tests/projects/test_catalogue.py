"""The open data's catalogue record (DCAT-AP-SE) and /data/'s schema.org Dataset, as a harvester
and a search engine read them: over HTTP, parsed with rdflib and json."""

import json
from datetime import date

import pytest
from django.conf import settings
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from regions.models import DataVersion
from tests.html import parse

pytestmark = pytest.mark.django_db

RDF_URL = "/data/katalog.rdf"
JSONLD_URL = "/data/katalog.jsonld"
ORIGIN = "http://testserver"
EU = "http://publications.europa.eu/resource/authority/"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
# Open namespaces: rdflib's closed ones would warn when pytest looks at the module's names.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# What DCAT-AP-SE 2.x requires of each class (its example "obligatoriskt"): a harvester refuses
# a record without them. A contact point, if given, must have a name and an e-mail address.
MANDATORY = {
    DCAT.Catalog: [DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset,
                   DCTERMS.license],
    DCAT.Dataset: [DCTERMS.title, DCTERMS.description, DCTERMS.publisher],
    DCAT.Distribution: [DCAT.accessURL],
    DCAT.DataService: [DCTERMS.title, DCAT.endpointURL],
    FOAF.Agent: [FOAF.name],
    VCARD.Organization: [VCARD.fn, VCARD.hasEmail],
}  # fmt: skip


def served_graph(client, url=RDF_URL, rdf_format="xml"):
    response = client.get(url)
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content, format=rdf_format)
    return response, graph


def the_one(graph, rdf_type):
    (subject,) = graph.subjects(RDF.type, rdf_type)
    return subject


def test_the_catalogue_record_is_rdf_xml(client):
    response, graph = served_graph(client)
    assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
    assert len(graph) > 50


@pytest.mark.parametrize("rdf_type", list(MANDATORY))
def test_every_mandatory_property_is_there(client, rdf_type):
    _, graph = served_graph(client)
    subjects = list(graph.subjects(RDF.type, rdf_type))
    assert subjects
    for subject in subjects:
        missing = [p for p in MANDATORY[rdf_type] if graph.value(subject, p) is None]
        assert missing == [], f"{subject} lacks {missing}"


def test_the_catalogue_lists_the_dataset_and_the_service(client):
    _, graph = served_graph(client)
    catalogue = the_one(graph, DCAT.Catalog)
    assert graph.value(catalogue, DCAT.dataset) == the_one(graph, DCAT.Dataset)
    assert graph.value(catalogue, DCAT.service) == the_one(graph, DCAT.DataService)
    assert graph.value(catalogue, FOAF.homepage) == URIRef(ORIGIN + "/")


def test_titles_and_descriptions_are_in_swedish_and_english(client):
    _, graph = served_graph(client)
    dataset = the_one(graph, DCAT.Dataset)
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert {text.language for text in graph.objects(dataset, predicate)} == {"sv", "en"}
    keywords = list(graph.objects(dataset, DCAT.keyword))
    assert Literal("arbetsintegrerande sociala företag", lang="sv") in keywords


def test_the_publisher_and_contact_are_the_operator(client):
    _, graph = served_graph(client)
    operator = settings.PORTAL_OPERATOR
    # The tests run with the marked development example: the record works with it too.
    assert operator["example"]
    dataset = the_one(graph, DCAT.Dataset)
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert graph.value(publisher, FOAF.name) == Literal(operator["name"])
    assert graph.value(the_one(graph, DCAT.Catalog), DCTERMS.publisher) == publisher
    contact = graph.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert graph.value(contact, VCARD.hasEmail) == URIRef(f"mailto:{operator['email']}")


def test_a_named_operator_is_the_publisher(client, settings):
    settings.PORTAL_OPERATOR = {
        **settings.PORTAL_OPERATOR,
        "name": "Region Testlän",
        "email": "oppnadata@testlan.se",
        "example": False,
    }
    _, graph = served_graph(client)
    publisher = graph.value(the_one(graph, DCAT.Dataset), DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Region Testlän")
    contact = graph.value(the_one(graph, DCAT.Dataset), DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:oppnadata@testlan.se")


def test_the_dataset_describes_sweden_2016_to_2018_publicly(client):
    _, graph = served_graph(client)
    dataset = the_one(graph, DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.spatial) == URIRef(EU + "country/SWE")
    assert graph.value(dataset, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    themes = set(graph.objects(dataset, DCAT.theme))
    assert themes and all(theme.startswith(EU + "data-theme/") for theme in themes)
    period = graph.value(dataset, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate).toPython() == date(2016, 1, 1)
    assert graph.value(period, DCAT.endDate).toPython() == date(2018, 12, 31)


def test_modified_is_when_the_data_last_changed(client):
    changed_at = DataVersion.touch()
    _, graph = served_graph(client)
    modified = graph.value(the_one(graph, DCAT.Dataset), DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    assert modified.toPython() == changed_at


def test_the_three_distributions(client):
    _, graph = served_graph(client)
    dataset = the_one(graph, DCAT.Dataset)
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 3
    downloads = {graph.value(d, DCAT.downloadURL): d for d in distributions}
    csv = downloads[URIRef(ORIGIN + "/projekt/export.csv")]
    json_file = downloads[URIRef(ORIGIN + "/projekt/export.json")]
    for distribution, file_type, media_type in [
        (csv, "CSV", "text/csv"),
        (json_file, "JSON", "application/json"),
    ]:
        assert graph.value(distribution, DCAT.accessURL) == graph.value(
            distribution, DCAT.downloadURL
        )
        assert graph.value(distribution, DCTERMS["format"]) == URIRef(EU + "file-type/" + file_type)
        assert graph.value(distribution, DCAT.mediaType) == URIRef(
            "https://www.iana.org/assignments/media-types/" + media_type
        )
    (api,) = [d for d in distributions if d not in (csv, json_file)]
    service = graph.value(api, DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert graph.value(api, DCAT.accessURL) == URIRef(ORIGIN + "/api/")
    assert graph.value(service, DCAT.endpointURL) == URIRef(ORIGIN + "/api/")
    assert graph.value(service, DCAT.endpointDescription) == URIRef(ORIGIN + "/api/schema/")
    assert graph.value(service, DCAT.servesDataset) == dataset


def test_the_api_addresses_the_record_names_answer(client):
    """A harvester follows the service's endpoint and its description: both must be there."""
    _, graph = served_graph(client)
    service = the_one(graph, DCAT.DataService)
    root = client.get(str(graph.value(service, DCAT.endpointURL)))
    assert root.status_code == 200
    assert root.json()["projekt"] == ORIGIN + "/api/projekt/"
    description = client.get(
        str(graph.value(service, DCAT.endpointDescription)), HTTP_ACCEPT="application/json"
    )
    assert description.status_code == 200
    assert description.json()["openapi"].startswith("3.")


def test_the_licence_is_cc0_everywhere(client):
    _, graph = served_graph(client)
    described = [
        the_one(graph, DCAT.Catalog),
        the_one(graph, DCAT.Dataset),
        the_one(graph, DCAT.DataService),
        *graph.subjects(RDF.type, DCAT.Distribution),
    ]
    assert [graph.value(subject, DCTERMS.license) for subject in described] == [CC0] * 6
    assert URIRef(settings.PORTAL_DATA_LICENCE["uri"]) == CC0


def test_the_same_record_as_json_ld(client):
    response, graph = served_graph(client, JSONLD_URL, "json-ld")
    assert response["Content-Type"] == "application/ld+json"
    _, as_rdf_xml = served_graph(client)
    assert set(graph.subjects(RDF.type, DCAT.Distribution)) == set(
        as_rdf_xml.subjects(RDF.type, DCAT.Distribution)
    )
    assert len(graph) == len(as_rdf_xml)


def test_the_record_only_answers_reads(client):
    assert client.post(RDF_URL).status_code == 405


def dataset_json_ld(client):
    (text,) = parse(client.get("/data/")).texts("script", type="application/ld+json")
    return json.loads(text)


def test_the_data_page_carries_a_schema_org_dataset(client):
    dataset = dataset_json_ld(client)
    assert dataset["@context"] == "https://schema.org"
    assert dataset["@type"] == "Dataset"
    assert dataset["url"] == ORIGIN + "/data/"
    assert dataset["license"] == settings.PORTAL_DATA_LICENCE["url"]
    assert dataset["publisher"]["name"] == settings.PORTAL_OPERATOR["name"]
    assert dataset["creator"]["name"] == settings.PORTAL_OPERATOR["name"]
    assert dataset["temporalCoverage"] == "2016-01-01/2018-12-31"
    assert dataset["spatialCoverage"]["name"] == "Sverige"
    assert dataset["dateModified"]
    downloads = {d["encodingFormat"]: d["contentUrl"] for d in dataset["distribution"]}
    assert downloads == {
        "text/csv": ORIGIN + "/projekt/export.csv",
        "application/json": ORIGIN + "/projekt/export.json",
    }
    assert {d["@type"] for d in dataset["distribution"]} == {"DataDownload"}


def test_the_json_ld_cannot_end_its_script_element(client, settings):
    settings.PORTAL_OPERATOR = {**settings.PORTAL_OPERATOR, "name": "A </script><b>B & C"}
    assert dataset_json_ld(client)["publisher"]["name"] == "A </script><b>B & C"


def test_the_data_page_links_the_record_and_the_licence(client):
    page = parse(client.get("/data/"))
    alternates = {
        attrs["type"]: attrs["href"] for attrs, _ in page.find_all("link", rel="alternate")
    }
    assert alternates == {"application/rdf+xml": RDF_URL, "application/ld+json": JSONLD_URL}
    assert RDF_URL in page.links() and JSONLD_URL in page.links()
    licence_links = page.find_all("a", rel="license")
    assert licence_links
    assert {attrs["href"] for attrs, _ in licence_links} == {settings.PORTAL_DATA_LICENCE["url"]}
    (terms,) = page.texts("section", **{"aria-labelledby": "villkor"})
    assert "CC0 1.0 Universell" in terms
    assert "kräver inte" in terms
    assert "om du anger både ASF-portalen" not in terms
