"""`kendali backup` then `kendali restore` through the real CLI: a seeded database (users,
tokens, regions, audit entries) and an uploaded file round-trip into an empty database with
the same row counts and the same audit log; a non-empty database is refused. SQLite always,
PostgreSQL when reachable (own databases, dropped afterwards)."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from tests.conftest import require_service
from tests.livesite import LiveSite

# Its own databases, SQLite and PostgreSQL, whatever the suite uses: the SQLite pass runs
# it, the PostgreSQL pass would repeat it unchanged.
pytestmark = pytest.mark.db_independent

FINGERPRINT = (
    "import json; from kendali.core import backup; "
    "print(json.dumps({'tables': backup.row_counts(), 'audit': backup.audit_fingerprint()}))"
)


def _state(site: LiveSite) -> dict:
    out = site.cli("manage", "shell", "-c", FINGERPRINT).stdout
    return json.loads(out.strip().splitlines()[-1])


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    if request.param == "sqlite":
        yield (f"sqlite:///{tmp_path}/source.sqlite3", f"sqlite:///{tmp_path}/restored.sqlite3")
        return
    require_service("PostgreSQL", "127.0.0.1", 5432)
    suffix = uuid.uuid4().hex[:6]
    names = [f"kendali_hardening_bk_{suffix}_a", f"kendali_hardening_bk_{suffix}_b"]
    for name in names:
        _psql(f"CREATE DATABASE {name}")
    try:
        yield tuple(f"postgres://postgres@127.0.0.1:5432/{n}" for n in names)
    finally:
        for name in names:
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_backup_restore_round_trip(tmp_path, databases):
    source_url, target_url = databases
    source = LiveSite(tmp_path, {"KENDALI_DATABASE_URL": source_url})
    source.cli("setup")
    source.cli(
        "createuser", "supervisor1", "--role", "supervisor_112", "--password", "uji-cadang-2026!"
    )
    source.cli("token", "create", "pbx", "--scope", "telephony")
    media = tmp_path / "var" / "media" / "laporan" / "foto.jpg"
    media.parent.mkdir(parents=True)
    media.write_bytes(b"\xff\xd8\xff uji foto")
    before = _state(source)
    assert before["audit"][0] > 0 and sum(before["tables"].values()) > 100

    archive = tmp_path / "cadangan.tar.gz"
    done = source.cli("backup", str(archive))
    assert "audit entries" in done.stdout and archive.exists()

    media.unlink()
    target = LiveSite(tmp_path, {"KENDALI_DATABASE_URL": target_url})
    restored = target.cli("restore", str(archive))
    assert "restored" in restored.stdout, restored.stderr
    assert _state(target) == before
    assert media.read_bytes() == b"\xff\xd8\xff uji foto"

    again = target.cli("restore", str(archive), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr
    assert _state(target) == before
