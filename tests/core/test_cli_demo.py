"""The demo's own tools work in the demo's directory as the README prints them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kendali import cli

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")}
    return {**env, "KENDALI_HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


def test_demo_home_is_recognised_only_when_nothing_configures_a_real_install(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("KENDALI_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("KENDALI_HOME", str(tmp_path))
    assert not cli._demo_home()  # no demo made here
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("x" * 50)
    assert cli._demo_home()
    monkeypatch.setenv("KENDALI_SECRET_KEY", "y" * 50)
    assert not cli._demo_home()  # a real installation's key: its own settings rule


def test_totp_code_runs_in_the_demo_directory_without_debug(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("z" * 50)
    result = subprocess.run(
        [sys.executable, "-m", "kendali.cli", "manage", "totp_code", "supervisor"],
        env=_env(tmp_path, KENDALI_DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "KENDALI_SECRET_KEY" not in result.stderr, result.stderr
