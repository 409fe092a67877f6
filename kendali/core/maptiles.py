"""The offline base map: raster tiles read from a local MBTiles or PMTiles archive
(``KENDALI_MAP_TILES_FILE``) and served by Kendali itself at ``/peta/ubin/{z}/{x}/{y}``, so a
control room on a closed network still has streets under its points.

* MBTiles is an SQLite file: table ``tiles(zoom_level, tile_column, tile_row, tile_data)`` with
  rows counted from the south (TMS), and ``metadata(name, value)``.
* PMTiles is one file with a header and directories, read with the ``pmtiles`` package over a
  read-only memory map.

One archive is open per process (re-opened when the file changes); reads are thread-safe (a
SQLite connection per thread, the memory map is read-only).
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType

TILE_URL = "/peta/ubin/{z}/{x}/{y}"
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
}


@dataclass
class TileArchive:
    path: Path
    mtime: float
    format: str = "png"
    min_zoom: int = 0
    max_zoom: int = 19
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north
    attribution: str = ""
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _pmtiles: Any = field(default=None, repr=False)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.format, "application/octet-stream")

    def options(self) -> dict[str, Any]:
        """What a map needs to ask only for tiles that exist."""
        return {
            "url": TILE_URL,
            "minZoom": self.min_zoom,
            "maxNativeZoom": self.max_zoom,
            "bounds": [[self.bounds[1], self.bounds[0]], [self.bounds[3], self.bounds[2]]]
            if self.bounds
            else None,
            "attribution": self.attribution,
        }

    def get(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        if self._pmtiles is not None:
            data = self._pmtiles.get(z, x, y)
            if data is None:
                return None
            data = bytes(data)
            return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        row = (
            self._connection()
            .execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, 2**z - 1 - y),
            )
            .fetchone()
        )
        return bytes(row[0]) if row else None

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._local.connection = connection
        return connection


def _open_mbtiles(path: Path, mtime: float) -> TileArchive:
    archive = TileArchive(path=path, mtime=mtime)
    meta = dict(archive._connection().execute("SELECT name, value FROM metadata").fetchall())
    archive.format = (meta.get("format") or "png").lower()
    if "minzoom" in meta:
        archive.min_zoom = int(meta["minzoom"])
    if "maxzoom" in meta:
        archive.max_zoom = int(meta["maxzoom"])
    if meta.get("bounds"):
        west, south, east, north = (float(v) for v in meta["bounds"].split(","))
        archive.bounds = (west, south, east, north)
    archive.attribution = meta.get("attribution", "")
    return archive


def _open_pmtiles(path: Path, mtime: float) -> TileArchive:
    handle = path.open("rb")
    source = MmapSource(handle)
    reader = Reader(source)
    header = reader.header()
    try:
        metadata = reader.metadata()
    except (ValueError, OSError):
        metadata = {}
    kind = header.get("tile_type")
    fmt = {TileType.PNG: "png", TileType.JPEG: "jpeg", TileType.WEBP: "webp"}.get(kind, "")
    if not fmt and kind == TileType.AVIF:
        fmt = "avif"
    archive = TileArchive(
        path=path,
        mtime=mtime,
        format=fmt or "png",
        min_zoom=int(header.get("min_zoom", 0)),
        max_zoom=int(header.get("max_zoom", 19)),
        attribution=str(metadata.get("attribution", "")) if isinstance(metadata, dict) else "",
    )
    if header.get("max_lon_e7"):
        archive.bounds = (
            header["min_lon_e7"] / 1e7,
            header["min_lat_e7"] / 1e7,
            header["max_lon_e7"] / 1e7,
            header["max_lat_e7"] / 1e7,
        )
    archive._pmtiles = reader
    archive._handle = handle  # type: ignore[attr-defined]  # kept open for the memory map
    return archive


_lock = threading.Lock()
_current: TileArchive | None = None


def archive() -> TileArchive | None:
    """The configured archive, opened once per process (again when the file changed)."""
    global _current
    path: Path | None = getattr(settings, "MAP_TILES_FILE", None)
    if path is None:
        return None
    mtime = path.stat().st_mtime
    current = _current
    if current is not None and current.path == path and current.mtime == mtime:
        return current
    with _lock:
        if path.suffix.lower() == ".pmtiles":
            _current = _open_pmtiles(path, mtime)
        else:
            _current = _open_mbtiles(path, mtime)
        return _current


def map_config() -> dict[str, Any] | None:
    """For the page shell: where the maps take their base layer from, or None (boundaries
    only). The local archive wins over a tile server (``KENDALI_MAP_TILES``)."""
    local = archive()
    attribution = getattr(settings, "MAP_TILES_ATTRIBUTION", "")
    if local is not None:
        options = local.options()
        options["attribution"] = attribution or options["attribution"]
        return options
    if getattr(settings, "MAP_TILES", ""):
        return {"url": settings.MAP_TILES, "attribution": attribution, "maxNativeZoom": 19}
    return None


def map_config_json() -> str:
    return json.dumps(map_config())
