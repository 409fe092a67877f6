"""The citizens' home of Kota Serang at /warga/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from kendali.portal import selectors

LINKS = [
    # (key, path) of public pages of other modules, linked only when they are mounted.
    ("report", "/lapor/"),
    ("track", "/lapor/lacak/"),
    ("map", "/lapor/peta/"),
    ("warnings", "/peringatan/"),
    ("opendata", "/opendata/"),
    ("figures", "/indikator/publik/"),
    ("performance", "/lapor/kinerja/"),
]


@cache_control(public=True, max_age=60)
def home(request: HttpRequest) -> HttpResponse:
    links = {key: path for key, path in LINKS if selectors.page_exists(path)}
    return render(
        request,
        "portal/home.html",
        {
            "warnings": selectors.active_warnings(),
            "parks": selectors.wifi_parks(),
            "links": links,
        },
    )
