"""Deterministic start-up: everything a request or a background loop could import is
imported, and the URL conf, job functions, translations and templates are resolved, in one
thread, before the server accepts a request or a job thread starts.

Without this, the first requests and the job thread import the same modules at the same
time (lazily, inside functions) and one of them can see a half-initialised module
("partially initialized module 'shapely'", "alerts.services does not define expire_job");
a server started under load then answers 500 until restarted.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import time

from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.urls import get_resolver
from django.utils import translation
from django.utils.module_loading import import_string

from kendali.core import jobs

logger = logging.getLogger(__name__)

# Sub-packages that are never imported by a running server: migrations are loaded by the
# migration executor, management commands by manage.py.
SKIPPED_PARTS = frozenset({"migrations", "management", "tests"})
# Entry points: importing them would start (or re-configure) something.
SKIPPED_MODULES = frozenset({"kendali.cli", "kendali.asgi", "kendali.wsgi", "kendali.settings"})

_done = False


def import_all(package: str = "kendali") -> list[str]:
    """Import every module of the package (apps, their services, selectors, views, API,
    jobs, contributions). Returns the module names imported."""
    root = importlib.import_module(package)
    names = []
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        parts = set(info.name.split("."))
        if parts & SKIPPED_PARTS or info.name in SKIPPED_MODULES:
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def warm_up() -> float:
    """Make the process ready to serve; idempotent. Returns the seconds it took."""
    global _done
    if _done:
        return 0.0
    t0 = time.perf_counter()

    modules = import_all()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every urls.py and the /api/v1 routers
    resolver.reverse_dict  # noqa: B018 - builds the reverse table once, here
    for job in jobs.registered():
        import_string(job.function)

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Beranda")

    for engine in engines.all():
        try:
            engine.get_template("base.html")
        except TemplateDoesNotExist:
            logger.debug("start-up: engine %s has no base.html", engine.name)
    _done = True
    seconds = time.perf_counter() - t0
    logger.info("start-up: %d modules imported, ready in %.2f s", len(modules), seconds)
    return seconds
