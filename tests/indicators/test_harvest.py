"""Harvestable: the DCAT-AP catalogue parses as RDF (JSON-LD and Turtle) and the CKAN Action
API answers the standard CKAN client (ckanapi) like any CKAN portal."""

import json

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

from kendali.core import registry
from kendali.indicators import datacatalog

pytestmark = pytest.mark.django_db
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def _check_graph(graph: Graph) -> None:
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(registry.datasets())
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    assert set(graph.objects(catalogs[0], DCAT.dataset)) == datasets
    for ds in datasets:
        for prop in (
            DCTERMS.title,
            DCTERMS.description,
            DCTERMS.publisher,
            DCAT.contactPoint,
            DCTERMS.accrualPeriodicity,
            DCTERMS.temporal,
            DCTERMS.spatial,
            DCTERMS.license,
            DCAT.keyword,
            DCAT.distribution,
        ):
            assert graph.value(ds, prop) is not None, (ds, prop)
        for dist in graph.objects(ds, DCAT.distribution):
            assert graph.value(dist, DCAT.accessURL) is not None
            assert graph.value(dist, DCAT.downloadURL) is not None
    calls = next(d for d in datasets if str(d).endswith("/opendata/calls-daily_by_kecamatan/"))
    title = graph.value(calls, DCTERMS.title)
    assert title.language == "id" and "112" in str(title)
    assert str(graph.value(calls, DCTERMS.accrualPeriodicity)).endswith("/DAILY")
    contact = graph.value(calls, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph


def test_dcat_jsonld_parses_as_rdf(client, agencies, frozen):
    response = client.get("/opendata/catalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    _check_graph(Graph().parse(data=response.content, format="json-ld"))


def test_dcat_turtle_parses_as_rdf(client, agencies, frozen):
    response = client.get("/opendata/catalog.ttl")
    assert response["Content-Type"].startswith("text/turtle")
    _check_graph(Graph().parse(data=response.content.decode(), format="turtle"))


def test_ckan_envelope_and_errors(client, agencies, frozen):
    body = client.get("/api/3/action/package_list").json()
    assert body["success"] is True and "help" in body
    assert "calls-daily_by_kecamatan" in body["result"]
    missing = client.get("/api/3/action/package_show?id=tidak-ada")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["success"] is False
    assert missing.json()["error"]["__type"] == "Not Found Error"
    assert client.get("/api/3/action/package_show").status_code == 409
    unknown = client.get("/api/3/action/package_create")
    assert unknown.status_code == 400 and unknown.json()["success"] is False


def test_standard_ckan_client_reads_the_catalogue(live_server, agencies):
    from ckanapi import NotFound, RemoteCKAN

    ckan = RemoteCKAN(live_server.url, user_agent="kendali-test/1.0")
    names = ckan.action.package_list()
    assert sorted(names) == sorted(datacatalog.slug(d.key) for d in registry.datasets())
    package = ckan.action.package_show(id="calls-daily_by_kecamatan")
    assert package["title"].startswith("Panggilan 112")
    assert package["license_id"] == "CC-BY-4.0" and package["num_resources"] == (12 + 5) * 3
    assert {r["format"] for r in package["resources"]} == {"CSV", "JSON", "XLSX"}
    found = ckan.action.package_search(q="112", rows=5)
    assert found["count"] >= 1 and found["results"][0]["name"] == "calls-daily_by_kecamatan"
    assert ckan.action.package_search(fq="tags:wifi")["count"] == 1
    orgs = ckan.action.organization_list()
    assert "diskominfo" in orgs
    org = ckan.action.organization_show(id="diskominfo")
    assert org["package_count"] == len(
        [d for d in registry.datasets() if d.producer == "diskominfo"]
    )
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource["url"].endswith(".csv")
    with pytest.raises(NotFound):
        ckan.action.package_show(id="tidak-ada")
    # GET works as well as POST (harvesters use both).
    ckan_get = RemoteCKAN(live_server.url, get_only=True)
    assert ckan_get.action.package_show(id="wifi-daily_by_park")["name"] == "wifi-daily_by_park"


def test_jsonld_is_json(client, agencies, frozen):
    graph = json.loads(client.get("/opendata/catalog.jsonld").content)
    assert "@context" in graph and graph["@graph"][0]["@type"] == "dcat:Catalog"
