"""The offline base map: tiles from a local MBTiles or PMTiles archive, served by Kendali at
/peta/ubin/{z}/{x}/{y} with cache headers, and every map page told to use them."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from kendali import conf
from kendali.core import maptiles

# Kota Serang at zoom 12 and 13 (XYZ scheme, y counted from the north).
TILES = {(12, 3255, 2117), (13, 6510, 4234), (13, 6511, 4234)}


def png(r: int, g: int, b: int) -> bytes:
    """A 1×1 PNG of one colour: enough to tell the tiles apart."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, r, g, b]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def tile_bytes(z: int, x: int, y: int) -> bytes:
    return png(z, x % 256, y % 256)


def make_mbtiles(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name text, value text)")
    db.execute(
        "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,"
        " tile_data blob)"
    )
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "Kota Serang"),
            ("format", "png"),
            ("minzoom", "12"),
            ("maxzoom", "13"),
            ("bounds", "106.08,-6.20,106.25,-6.02"),
            ("attribution", "© OpenStreetMap contributors"),
        ],
    )
    for z, x, y in TILES:  # MBTiles rows count from the south (TMS)
        db.execute(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, tile_bytes(z, x, y))
        )
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path) -> Path:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    with write(str(path)) as writer:
        for z, x, y in sorted(TILES, key=lambda t: zxy_to_tileid(*t)):
            writer.write_tile(zxy_to_tileid(z, x, y), tile_bytes(z, x, y))
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_zoom": 12,
                "max_zoom": 13,
                "min_lon_e7": int(106.08e7),
                "min_lat_e7": int(-6.20e7),
                "max_lon_e7": int(106.25e7),
                "max_lat_e7": int(-6.02e7),
                "center_zoom": 12,
                "center_lon_e7": int(106.16e7),
                "center_lat_e7": int(-6.12e7),
            },
            {"attribution": "© OpenStreetMap contributors"},
        )
    return path


@pytest.fixture(params=["mbtiles", "pmtiles"])
def archive_file(request, tmp_path):
    path = tmp_path / f"serang.{request.param}"
    return make_mbtiles(path) if request.param == "mbtiles" else make_pmtiles(path)


@pytest.mark.django_db
def test_tiles_are_served_from_the_local_archive(client, archive_file, monkeypatch):
    monkeypatch.setenv("KENDALI_MAP_TILES_FILE", str(archive_file))
    path = conf.map_tiles_file("KENDALI_MAP_TILES_FILE", archive_file.parent)
    with override_settings(MAP_TILES_FILE=path, MAP_TILES="", MAP_TILES_ATTRIBUTION=""):
        for z, x, y in TILES:
            response = client.get(f"/peta/ubin/{z}/{x}/{y}")  # no login: citizens' maps too
            assert response.status_code == 200, (z, x, y)
            assert response["Content-Type"] == "image/png"
            assert response.content == tile_bytes(z, x, y)
            assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
        again = client.get("/peta/ubin/12/3255/2117", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code in (200, 304)
        etag = client.get("/peta/ubin/12/3255/2117")["ETag"]
        assert client.get("/peta/ubin/12/3255/2117", HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get("/peta/ubin/12/0/0").status_code == 404  # not in the archive
        assert client.get("/peta/ubin/3/9/9").status_code == 404  # not a tile at all
        assert client.post("/peta/ubin/12/3255/2117").status_code == 405

        # Every map gets the archive as its base layer, limited to what the archive holds.
        config = maptiles.map_config()
        assert config["url"] == "/peta/ubin/{z}/{x}/{y}"
        assert config["minZoom"] == 12 and config["maxNativeZoom"] == 13
        assert config["attribution"] == "© OpenStreetMap contributors"
        assert config["bounds"][0][0] == pytest.approx(-6.20)


@pytest.mark.django_db
def test_map_pages_use_the_archive_or_say_they_have_none(clients, tmp_path):
    path = make_mbtiles(tmp_path / "serang.mbtiles")
    with override_settings(MAP_TILES_FILE=path, MAP_TILES=""):
        page = clients["dispatcher"].get("/peta/").content.decode()
        assert 'data-tiles="/peta/ubin/{z}/{x}/{y}"' in page
        assert '"maxNativeZoom": 13' in page
    with override_settings(MAP_TILES_FILE=None, MAP_TILES=""):
        page = clients["dispatcher"].get("/peta/").content.decode()
        assert 'data-tiles=""' in page
        assert client_gets_404(clients["anonymous"])


def client_gets_404(client) -> bool:
    return client.get("/peta/ubin/12/3255/2117").status_code == 404


def test_the_setting_names_a_real_archive(tmp_path, monkeypatch):
    monkeypatch.delenv("KENDALI_MAP_TILES_FILE", raising=False)
    assert conf.map_tiles_file("KENDALI_MAP_TILES_FILE", tmp_path) is None
    monkeypatch.setenv("KENDALI_MAP_TILES_FILE", "peta.zip")
    with pytest.raises(ImproperlyConfigured, match="KENDALI_MAP_TILES_FILE"):
        conf.map_tiles_file("KENDALI_MAP_TILES_FILE", tmp_path)
    monkeypatch.setenv("KENDALI_MAP_TILES_FILE", "tidak-ada.mbtiles")
    with pytest.raises(ImproperlyConfigured, match="no such file"):
        conf.map_tiles_file("KENDALI_MAP_TILES_FILE", tmp_path)
    make_mbtiles(tmp_path / "ada.mbtiles")
    monkeypatch.setenv("KENDALI_MAP_TILES_FILE", "ada.mbtiles")  # relative: from the install
    assert conf.map_tiles_file("KENDALI_MAP_TILES_FILE", tmp_path) == tmp_path / "ada.mbtiles"
    # The archive is not taken as the secret-file form of KENDALI_MAP_TILES.
    monkeypatch.delenv("KENDALI_MAP_TILES", raising=False)
    assert conf.map_tiles_url("KENDALI_MAP_TILES") == ""
    monkeypatch.setenv("KENDALI_MAP_TILES", "http://ubin.local/tiles.png")
    with pytest.raises(ImproperlyConfigured, match="KENDALI_MAP_TILES"):
        conf.map_tiles_url("KENDALI_MAP_TILES")
