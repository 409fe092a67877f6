"""A malformed setting stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kendali import conf

ROOT = Path(__file__).resolve().parents[2]


def run_cli(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")}
    env.update(env_overrides)
    env["KENDALI_HOME"] = env.get("KENDALI_HOME", str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "kendali.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"KENDALI_DEBUG": "maybe"}, "KENDALI_DEBUG"),
        ({"KENDALI_DEBUG": "0"}, "KENDALI_SECRET_KEY"),
        ({"KENDALI_DEBUG": "1", "KENDALI_DATABASE_URL": "mysql://db/x"}, "KENDALI_DATABASE_URL"),
        ({"KENDALI_DEBUG": "1", "KENDALI_REDIS_URL": "http://localhost"}, "KENDALI_REDIS_URL"),
        ({"KENDALI_DEBUG": "1", "KENDALI_MQTT_URL": "tcp://x"}, "KENDALI_MQTT_URL"),
        ({"KENDALI_DEBUG": "1", "KENDALI_TIME_ZONE": "Mars/Olympus"}, "KENDALI_TIME_ZONE"),
        ({"KENDALI_DEBUG": "1", "KENDALI_LANGUAGE": "fr"}, "KENDALI_LANGUAGE"),
        (
            {"KENDALI_DEBUG": "1", "KENDALI_EVENT_RETENTION_HOURS": "soon"},
            "KENDALI_EVENT_RETENTION_HOURS",
        ),
        # Settings of the channels and of modules are validated at start-up too.
        ({"KENDALI_DEBUG": "1", "KENDALI_SMS_BACKEND": "pigeon"}, "KENDALI_SMS_BACKEND"),
        ({"KENDALI_DEBUG": "1", "KENDALI_NOTIFY_TIMEOUT": "lama"}, "KENDALI_NOTIFY_TIMEOUT"),
        ({"KENDALI_DEBUG": "1", "KENDALI_SMS_URL": "gateway.local"}, "KENDALI_SMS_URL"),
        (
            {"KENDALI_DEBUG": "1", "KENDALI_TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"},
            "KENDALI_TELEGRAM_BOT_TOKEN_FILE",
        ),
        ({"KENDALI_DEBUG": "1", "KENDALI_WIFI_NAS_VENDOR": "cisco"}, "KENDALI_WIFI_NAS_VENDOR"),
        (
            {"KENDALI_DEBUG": "1", "KENDALI_PERSONAL_DATA_DAYS": "0"},
            "KENDALI_PERSONAL_DATA_DAYS",
        ),
        (
            {"KENDALI_DEBUG": "1", "KENDALI_SENSORS_RAW_RETENTION_DAYS": "x"},
            "KENDALI_SENSORS_RAW_RETENTION_DAYS",
        ),
    ],
)
def test_malformed_setting_stops_startup_naming_the_variable(env, variable):
    result = run_cli(env, "manage", "check")
    assert result.returncode == 2
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_database_url_forms(tmp_path):
    sqlite = conf.database_from_url("X", "sqlite:///var/x.db", tmp_path)
    assert sqlite["NAME"] == str(tmp_path / "var" / "x.db")
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    assert sqlite["OPTIONS"]["timeout"] >= 5
    absolute = conf.database_from_url("X", f"sqlite:///{tmp_path}/abs.db", Path("/nowhere"))
    assert absolute["NAME"] == f"{tmp_path}/abs.db"
    pg = conf.database_from_url("X", "postgres://u:p%40ss@db.local:6543/kendali", tmp_path)
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"], pg["PASSWORD"]) == (
        "db.local",
        "6543",
        "kendali",
        "u",
        "p@ss",
    )
    with pytest.raises(ImproperlyConfigured, match="X"):
        conf.database_from_url("X", "postgres://db.local/", tmp_path)


def test_secret_key_generated_once_for_local_use(tmp_path):
    first = conf.secret_key("KENDALI_SECRET_KEY_TEST_UNSET", True, tmp_path)
    second = conf.secret_key("KENDALI_SECRET_KEY_TEST_UNSET", True, tmp_path)
    assert first == second and len(first) >= 50
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_file_variant(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("s" * 40 + "\n")
    monkeypatch.setenv("KENDALI_SECRET_KEY_FILE", str(secret))
    assert conf.secret_key("KENDALI_SECRET_KEY", False, tmp_path) == "s" * 40
