"""The background loops of the sensors module (registered in apps.py)."""

from __future__ import annotations

from kendali.sensors.services.evaluation import offline_check, rules_tick
from kendali.sensors.services.readings import readings_purge


def job_rules() -> None:
    rules_tick()


def job_offline() -> None:
    offline_check()


def job_retention() -> None:
    readings_purge()
