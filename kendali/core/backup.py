"""`kendali backup FILE` and `kendali restore FILE`: the database and the uploaded media in
one archive (tar.gz) with a manifest.

- SQLite: the online backup API (a consistent copy while the server runs).
- PostgreSQL: ``pg_dump --format=custom`` / ``pg_restore`` (same major version as the server).
- ``manifest.json``: engine, Kendali version, time, the row count of every table, the audit
  log's fingerprint (SHA-256 over every entry in order) and each media file's SHA-256.

Restore goes into the configured database only when it is empty (no tables), and checks the
row counts and the audit fingerprint against the manifest afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from kendali import __version__
from kendali.conf import child_env
from kendali.core.models import AuditEntry

FORMAT = 1
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"


class BackupError(Exception):
    pass


@dataclass
class Summary:
    path: Path
    tables: int
    rows: int
    media_files: int
    audit_entries: int


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def row_counts() -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts and not model._meta.proxy:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the models
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def audit_fingerprint() -> tuple[int, str]:
    """(entries, SHA-256 over every audit entry's fields, in id order)."""
    digest = hashlib.sha256()
    fields = [f.attname for f in AuditEntry._meta.concrete_fields]
    count = 0
    for row in AuditEntry.objects.order_by("pk").values_list(*fields).iterator(chunk_size=2000):
        digest.update(json.dumps(row, default=str, sort_keys=True).encode())
        count += 1
    return count, digest.hexdigest()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found (install the PostgreSQL client tools)")
    return found


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args, child_env(**({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {}))


def backup(path: str | Path) -> Summary:
    path = Path(path)
    engine = _engine()
    counts = row_counts()
    audit_entries, audit_digest = audit_fingerprint()
    media = _media_files()
    root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if engine == "sqlite":
            dump = work / SQLITE_NAME
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
        else:
            dump = work / PG_NAME
            args, env = _pg_env()
            name = settings.DATABASES["default"]["NAME"]
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    "-f",
                    str(dump),
                    name,
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        manifest = {
            "format": FORMAT,
            "kendali_version": __version__,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database_file": dump.name,
            "tables": counts,
            "audit": {"entries": audit_entries, "sha256": audit_digest},
            "media": [
                {"path": str(p.relative_to(root)), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in media
            ],
        }
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for p in media:
                archive.add(p, arcname=f"media/{p.relative_to(root)}")
        partial.replace(path)  # a half-written archive never carries the final name
    return Summary(path, len(counts), sum(counts.values()), len(media), audit_entries)


def read_manifest(path: str | Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile("manifest.json")
        if member is None:
            raise BackupError("manifest.json missing")
        return json.load(member)


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(path: str | Path) -> Summary:
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"the backup is of a {manifest['engine']} database; the configured one is {engine}"
        )
    if not database_is_empty():
        raise BackupError(
            "the configured database is not empty; restore only into a new, empty database"
        )
    root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        dump = work / manifest["database_file"]
        if engine == "sqlite":
            target_path = Path(settings.DATABASES["default"]["NAME"])
            connections.close_all()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(target_path)
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            args, env = _pg_env()
            connections.close_all()
            subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [
                    _program("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *args,
                    "-d",
                    settings.DATABASES["default"]["NAME"],
                    str(dump),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        for item in manifest["media"]:
            source_file = work / "media" / item["path"]
            if _sha256(source_file) != item["sha256"]:
                raise BackupError(f"media file damaged in the archive: {item['path']}")
            target_file = root / item["path"]
            target_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source_file, target_file)
    connections.close_all()
    counts = row_counts()
    if counts != manifest["tables"]:
        wrong = {
            t: (manifest["tables"].get(t), counts.get(t))
            for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        }
        raise BackupError(f"row counts differ after restore: {wrong}")
    entries, digest = audit_fingerprint()
    if (entries, digest) != (manifest["audit"]["entries"], manifest["audit"]["sha256"]):
        raise BackupError("the audit log differs from the backup's fingerprint")
    return Summary(path, len(counts), sum(counts.values()), len(manifest["media"]), entries)
