"""The portal's open data described for data catalogues: a DCAT-AP-SE catalogue record that
Sweden's data portal can harvest, and the same facts as a schema.org Dataset for search engines.

One set of facts (titles, themes, period, distributions) feeds both, so they cannot disagree.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from asf_portal.caching import data_changed_at

EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
SWEDEN = URIRef(EU + "country/SWE")
SWEDISH = URIRef(EU + "language/SWE")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
MEDIA_TYPE = Namespace("https://www.iana.org/assignments/media-types/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PREFIXES = {"dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "vcard": VCARD}

# The titles, descriptions and keywords, in Swedish and English: texts, kept as data.
TEXTS = json.loads((Path(__file__).parent / "catalogue.json").read_text("utf-8"))
DATASET, CATALOGUE, SERVICE = TEXTS["dataset"], TEXTS["catalogue"], TEXTS["service"]
THEMES = [THEME.SOCI, THEME.ECON, THEME.GOVE]
# The regions' action plans from the 2016 preliminary study, then the 2017–2018 projects.
PERIOD_START = date(2016, 1, 1)
PERIOD_END = date(2018, 12, 31)


@dataclass(frozen=True)
class Distribution:
    key: str
    url_name: str
    title: str
    file_type: str  # in the EU file-type vocabulary
    media_type: str


DOWNLOADS = [
    Distribution("csv", "projects:export_csv", "Alla projekt som CSV-fil", "CSV", "text/csv"),
    Distribution(
        "json", "projects:export_json", "Alla projekt som JSON-fil", "JSON", "application/json"
    ),
]
# The same projects read through the API, which the record describes as its data service.
API_DISTRIBUTION = Distribution(
    "api-distribution", "api:root", "Projekten via API:t, som JSON", "JSON", "application/json"
)


def texts(language_texts):
    return [Literal(text, lang=language) for language, text in language_texts.items()]


def catalogue_graph(request):
    """The DCAT-AP-SE record: the catalogue, its one dataset, the dataset's three distributions
    (CSV, JSON and the API) and the API as a data service."""
    origin = request.build_absolute_uri("/").removesuffix("/")
    record = origin + reverse("data_catalogue_rdf")
    catalogue, dataset, service = (
        URIRef(f"{record}#{name}") for name in ("katalog", "datamangd", "api")
    )
    publisher, contact = URIRef(f"{record}#utgivare"), URIRef(f"{record}#kontakt")
    licence = URIRef(settings.PORTAL_DATA_LICENCE["uri"])
    operator = settings.PORTAL_OPERATOR
    modified = Literal(data_changed_at().isoformat(), datatype=XSD.dateTime)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)

    def add(subject, predicate, *objects):
        for obj in objects:
            graph.add((subject, predicate, obj))

    add(catalogue, RDF.type, DCAT.Catalog)
    add(catalogue, DCTERMS.title, *texts(CATALOGUE["title"]))
    add(catalogue, DCTERMS.description, *texts(CATALOGUE["description"]))
    add(catalogue, DCTERMS.publisher, publisher)
    add(catalogue, FOAF.homepage, URIRef(origin + reverse("home")))
    add(catalogue, DCTERMS.language, SWEDISH)
    add(catalogue, DCTERMS.license, licence)
    add(catalogue, DCTERMS.modified, modified)
    add(catalogue, DCAT.dataset, dataset)
    add(catalogue, DCAT.service, service)

    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, FOAF.name, Literal(operator["name"]))

    add(contact, RDF.type, VCARD.Organization)
    add(contact, VCARD.fn, Literal(operator["name"]))
    add(contact, VCARD.hasEmail, URIRef(f"mailto:{operator['email']}"))

    period = BNode()
    add(period, RDF.type, DCTERMS.PeriodOfTime)
    add(period, DCAT.startDate, Literal(PERIOD_START))
    add(period, DCAT.endDate, Literal(PERIOD_END))

    add(dataset, RDF.type, DCAT.Dataset)
    add(dataset, DCTERMS.title, *texts(DATASET["title"]))
    add(dataset, DCTERMS.description, *texts(DATASET["description"]))
    add(dataset, DCTERMS.publisher, publisher)
    add(dataset, DCAT.contactPoint, contact)
    add(dataset, DCAT.theme, *THEMES)
    add(dataset, DCAT.keyword, *(Literal(keyword, lang="sv") for keyword in DATASET["keywords"]))
    add(dataset, DCTERMS.spatial, SWEDEN)
    add(dataset, DCTERMS.temporal, period)
    add(dataset, DCTERMS.language, SWEDISH)
    add(dataset, DCTERMS.accessRights, PUBLIC)
    add(dataset, DCTERMS.license, licence)
    add(dataset, DCTERMS.modified, modified)
    add(dataset, DCAT.landingPage, URIRef(origin + reverse("data")))

    for distribution in [*DOWNLOADS, API_DISTRIBUTION]:
        node = URIRef(f"{record}#{distribution.key}")
        url = URIRef(origin + reverse(distribution.url_name))
        add(dataset, DCAT.distribution, node)
        add(node, RDF.type, DCAT.Distribution)
        add(node, DCTERMS.title, Literal(distribution.title, lang="sv"))
        add(node, DCAT.accessURL, url)
        if distribution is API_DISTRIBUTION:
            add(node, DCAT.accessService, service)
        else:
            add(node, DCAT.downloadURL, url)
        add(node, DCTERMS.format, FILE_TYPE[distribution.file_type])
        add(node, DCAT.mediaType, MEDIA_TYPE[distribution.media_type])
        add(node, DCTERMS.license, licence)

    api_root = URIRef(origin + reverse("api:root"))
    add(service, RDF.type, DCAT.DataService)
    add(service, DCTERMS.title, *texts(SERVICE["title"]))
    add(service, DCTERMS.description, *texts(SERVICE["description"]))
    add(service, DCAT.endpointURL, api_root)
    add(service, DCAT.endpointDescription, URIRef(origin + reverse("api:schema")))
    add(service, DCAT.servesDataset, dataset)
    add(service, DCTERMS.publisher, publisher)
    add(service, DCAT.contactPoint, contact)
    add(service, DCTERMS.accessRights, PUBLIC)
    add(service, DCTERMS.license, licence)
    return graph


def serialized(graph, rdf_format):
    """The record as RDF/XML ("xml") or JSON-LD ("json-ld"), the latter compacted with the
    record's prefixes ("dcat:Dataset"), as a person reading it expects."""
    if rdf_format == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context)
    return graph.serialize(format=rdf_format)


def schema_org_dataset(request):
    """The dataset as schema.org describes one, for the JSON-LD in /data/'s head."""
    origin = request.build_absolute_uri("/").removesuffix("/")
    operator = settings.PORTAL_OPERATOR
    organisation = {"@type": "Organization", "name": operator["name"], "email": operator["email"]}
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": DATASET["title"]["sv"],
        "alternateName": DATASET["title"]["en"],
        "description": DATASET["description"]["sv"],
        "url": origin + reverse("data"),
        "inLanguage": "sv",
        "keywords": DATASET["keywords"],
        "license": settings.PORTAL_DATA_LICENCE["url"],
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "temporalCoverage": f"{PERIOD_START.isoformat()}/{PERIOD_END.isoformat()}",
        "spatialCoverage": {"@type": "Place", "name": "Sverige"},
        "dateModified": data_changed_at().isoformat(),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": download.title,
                "encodingFormat": download.media_type,
                "contentUrl": origin + reverse(download.url_name),
            }
            for download in DOWNLOADS
        ],
    }


# What json_script escapes, so that no text in the data can end the script element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data):
    """A JSON-LD data block: a browser never runs it, so the strict CSP needs no exception."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
