"""Regions: the bundled boundaries, locate() and its API."""

import random

import pytest

from kendali.regions.locate import InvalidCoordinate, bounding_box, locate, locate_brute_force
from kendali.regions.models import Region


def test_bundled_boundaries_load_all_regions(regions_loaded):
    assert Region.objects.filter(level="kota").count() == 1
    assert Region.objects.filter(level="kecamatan").count() == 6
    assert Region.objects.filter(level="kelurahan").count() == 67
    kasemen = Region.objects.get(kode="36.73.02")
    assert kasemen.nama == "Kasemen" and kasemen.children.count() >= 10
    assert all(
        r.parent_id == r.kode.rsplit(".", 1)[0] for r in Region.objects.filter(level="kelurahan")
    )


def test_locate_known_places():
    # The centroid of every kelurahan lies in that kelurahan (they are convex enough here).
    from kendali.regions.locate import load_features

    hits = 0
    for feature in load_features():
        if feature["properties"]["level"] != "kelurahan":
            continue
        lon, lat = feature["properties"]["centroid"]
        found = locate(lat, lon)
        assert found.inside
        hits += found.kelurahan_kode == feature["properties"]["kode"]
        assert found.kecamatan_kode == found.kelurahan_kode.rsplit(".", 1)[0]
    assert hits >= 64  # a few centroids of crescent-shaped kelurahan fall in a neighbour


def test_outside_the_city():
    jakarta = locate(-6.2, 106.85)
    assert jakarta.inside is False and jakarta.kelurahan is None


def test_index_agrees_with_brute_force_on_random_points():
    rng = random.Random(2026)
    min_lon, min_lat, max_lon, max_lat = bounding_box()
    for _ in range(3000):
        lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
        indexed = locate(lat, lon)
        if not indexed.approximate:
            assert indexed == locate_brute_force(lat, lon)


@pytest.mark.parametrize("lat,lon", [(91, 106), (-6, 181), (float("nan"), 106), ("abc", 106)])
def test_impossible_coordinates_are_rejected(lat, lon):
    with pytest.raises(InvalidCoordinate):
        locate(lat, lon)


def test_locate_api(client):
    inside = client.get("/api/v1/regions/locate?lat=-6.1200&lon=106.1500")
    assert inside.status_code == 200
    assert inside.json()["inside"] is True and inside.json()["kecamatan"]
    outside = client.get("/api/v1/regions/locate?lat=-6.2&lon=106.85")
    assert outside.status_code == 200 and outside.json()["inside"] is False


@pytest.mark.parametrize(
    "query", ["lat=abc&lon=106.1", "lat=-95&lon=106.1", "lat=-6.1&lon=200", "lon=106.1"]
)
def test_locate_api_bad_input_is_problem_json(client, query):
    response = client.get(f"/api/v1/regions/locate?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422 and body["title"] and body["detail"]


def test_regions_geojson_with_level_filter(client, regions_loaded):
    response = client.get("/api/v1/regions/?level=kelurahan")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 67
    assert {f["properties"]["level"] for f in body["features"]} == {"kelurahan"}
    bad = client.get("/api/v1/regions/?level=provinsi")
    assert bad.status_code == 422


def test_city_map_page(clients, regions_loaded):
    page = clients["viewer"].get("/peta/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "leaflet" in html and "citymap.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
