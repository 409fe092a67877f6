"""Typed readers for KENDALI_* environment variables.

Every reader fails loudly with ImproperlyConfigured naming the variable, so a
malformed setting stops start-up instead of surfacing later as a strange bug.
A ``<NAME>_FILE`` variant is honoured for secrets (Docker/systemd credentials).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_path!r}: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {value!r}")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (_raw(name) or "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: must be one of {', '.join(choices)}, got {value!r}")
    return value


def home() -> Path:
    """KENDALI_HOME: the installation's directory (``./var`` lives there); default the cwd."""
    return Path(env_str("KENDALI_HOME") or Path.cwd()).resolve()


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, schemes: tuple[str, ...]) -> str | None:
    value = _raw(name)
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
        raise ImproperlyConfigured(
            f"{name}: expected a URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"got {value!r}"
        )
    return value


def database_from_url(name: str, url: str | None, base_dir: Path) -> dict:
    """Turn KENDALI_DATABASE_URL into a Django DATABASES entry.

    sqlite:///relative/path.db, sqlite:////absolute/path.db, postgres://user:pw@host:port/db
    """
    if not url:
        path = base_dir / "var" / "kendali.sqlite3"
        return _sqlite(path)
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw_path = unquote(parsed.path)
        if not raw_path or raw_path == "/":
            raise ImproperlyConfigured(f"{name}: a sqlite URL needs a file path, got {url!r}")
        # sqlite:///var/x.db is relative to the project, sqlite:////srv/x.db absolute.
        path = Path(raw_path[1:])
        if not path.is_absolute():
            path = base_dir / path
        return _sqlite(path)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parsed.path.strip("/"):
            raise ImproperlyConfigured(f"{name}: a postgres URL needs a database name, got {url!r}")
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.strip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{name}: unsupported database URL scheme {parsed.scheme!r} (use sqlite:/// or postgres://)"
    )


def _sqlite(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Keep the connection (and its PRAGMAs) instead of reopening the file per request.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            # WAL lets readers (screens, SSE) proceed while one writer commits;
            # IMMEDIATE takes the write lock up front so two writers queue on the
            # busy timeout instead of failing with "database is locked" mid-transaction.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
        # Tests use a file too (not shared-cache memory): threads and the event hub then
        # see the same WAL database the product runs on, without table-level lock errors.
        # One file per test run (process), so runs side by side do not share it.
        "TEST": {"NAME": str(path.with_name(f"{path.stem}-test-{os.getpid()}.sqlite3"))},
    }


def secret_key(name: str, debug: bool, base_dir: Path) -> str:
    value = _raw(name)
    if value:
        if len(value) < 32:
            raise ImproperlyConfigured(f"{name}: must be at least 32 characters long")
        return value
    if not debug:
        raise ImproperlyConfigured(
            f"{name}: required when KENDALI_DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
        )
    key_file = base_dir / "var" / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


MAP_TILES_SUFFIXES = (".mbtiles", ".pmtiles")


def map_tiles_file(name: str, base_dir: Path) -> Path | None:
    """``KENDALI_MAP_TILES_FILE``: a local raster tile archive (MBTiles or PMTiles) that
    Kendali serves itself, so the maps have streets on a closed network. A relative path is
    taken from the installation directory. Empty: no archive.

    Read directly, not through the ``<NAME>_FILE`` secret convention: the file is the archive
    itself, never a value to read as text."""
    value = (os.environ.get(name) or "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute():
        path = base_dir / path
    if path.suffix.lower() not in MAP_TILES_SUFFIXES:
        raise ImproperlyConfigured(f"{name}: expected a .mbtiles or .pmtiles file, got {value!r}")
    if not path.is_file():
        raise ImproperlyConfigured(f"{name}: no such file {str(path)!r}")
    return path


def map_tiles_url(name: str) -> str:
    """``KENDALI_MAP_TILES``: a tile URL template of a tile server (``{z}/{x}/{y}``). Read
    directly: ``KENDALI_MAP_TILES_FILE`` is the archive setting, not this one's secret file."""
    value = (os.environ.get(name) or "").strip()
    if value and not all(part in value for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(
            f"{name}: expected a URL template with {{z}}, {{x}} and {{y}}, got {value!r}"
        )
    return value


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a program Kendali runs (``pg_dump``, ``psql``): the process's own
    (PATH, locale) with ``extra`` set, e.g. ``PGPASSWORD`` from the database settings."""
    return {**os.environ, **extra}
