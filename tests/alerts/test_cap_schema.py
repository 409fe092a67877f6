"""Every combination the draft form allows renders to a CAP document the official OASIS
schema accepts (validated with xmlschema against the XSD shipped in the package)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from kendali.alerts import cap
from kendali.alerts.choices import (
    LANG_EN,
    LANG_ID,
    AreaKind,
    CapStatus,
    Category,
    Certainty,
    MsgType,
    Severity,
    Urgency,
)
from kendali.alerts.models import Alert, AlertArea, AlertInfo

AREA_KINDS = [AreaKind.KELURAHAN, AreaKind.KECAMATAN, AreaKind.CIRCLE, "all"]
# Every single category, and all of them at once (the form's multi-select).
CATEGORY_SETS = [[c] for c in Category.values] + [list(Category.values)]


def _areas(kind, kelurahan, kecamatan):
    circle = AlertArea(kind=AreaKind.CIRCLE, lat=-6.1103, lon=106.1639, radius_km=2.5)
    by_kind = {
        AreaKind.KELURAHAN: [AlertArea(kind=AreaKind.KELURAHAN, region=r) for r in kelurahan],
        AreaKind.KECAMATAN: [AlertArea(kind=AreaKind.KECAMATAN, region=kecamatan)],
        AreaKind.CIRCLE: [circle],
    }
    if kind == "all":
        return by_kind[AreaKind.KELURAHAN] + by_kind[AreaKind.KECAMATAN] + by_kind[AreaKind.CIRCLE]
    return by_kind[kind]


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    from kendali.core.actors import Actor
    from kendali.regions.models import Region
    from kendali.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load(actor=Actor.system("test"))
        kelurahan = list(
            Region.objects.select_related("parent__parent").filter(kode__startswith="36.73.02.")[:3]
        )
        kecamatan = Region.objects.select_related("parent").get(kode="36.73.02")
        # Every kelurahan and kecamatan must yield valid polygons, not only the ones sampled.
        every = list(Region.objects.select_related("parent__parent").exclude(level="kota"))
    return kelurahan, kecamatan, every


def _message(msg_type, now):
    original = None
    if msg_type != MsgType.ALERT:
        original = Alert(
            identifier="serangkota-peringatan-2026-000001",
            sender="peringatan@serangkota.go.id",
            sent=now - timedelta(hours=1),
        )
    return Alert(
        identifier="serangkota-peringatan-2026-000002",
        sender="peringatan@serangkota.go.id",
        sent=now,
        status=CapStatus.ACTUAL,
        msg_type=msg_type,
        replaces=original,
        note="Air sudah surut" if msg_type == MsgType.CANCEL else "",
        sender_name="BPBD Kota Serang",
        contact="112",
        effective=now,
        onset=now + timedelta(hours=1),
        expires=now + timedelta(hours=6),
    )


INFOS = {
    False: [AlertInfo(language=LANG_ID, event="Banjir", headline="Banjir", description="Air naik")],
    True: [
        AlertInfo(
            language=LANG_ID,
            event="Banjir",
            headline="Banjir <Kasemen> & sekitarnya",
            description="Air naik",
            instruction="Mengungsi",
        ),
        AlertInfo(language=LANG_EN, event="Flood", headline="Flood", description="Water rising"),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("msg_type", MsgType.values)
@pytest.mark.parametrize("area_kind", AREA_KINDS)
@pytest.mark.parametrize("english", [False, True], ids=["id", "id+en"])
def test_every_form_combination_is_schema_valid(places, msg_type, area_kind, english):
    kelurahan, kecamatan, _ = places
    now = timezone.now()
    alert = _message(msg_type, now)
    areas = _areas(area_kind, kelurahan, kecamatan)
    schema = cap.schema()
    checked = 0
    for categories, urgency, severity, certainty in itertools.product(
        CATEGORY_SETS, Urgency.values, Severity.values, Certainty.values
    ):
        alert.categories = categories
        alert.urgency, alert.severity, alert.certainty = urgency, severity, certainty
        tree = cap.document_tree(alert, INFOS[english], areas, base_url="https://kendali.test")
        errors = list(schema.iter_errors(tree))
        assert not errors, (categories, urgency, severity, certainty, errors[:1])
        checked += 1
    assert checked == len(CATEGORY_SETS) * 5 * 5 * 5
    # The full document (bytes, as served) also passes the extra structural checks.
    document = cap.render(alert, INFOS[english], areas, base_url="https://kendali.test")
    assert cap.problems(document) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", CapStatus.values)
def test_every_status_and_optional_times_are_valid(places, status):
    kelurahan, kecamatan, _ = places
    now = timezone.now()
    for effective, onset in itertools.product([None, now], [None, now + timedelta(hours=1)]):
        alert = _message(MsgType.ALERT, now)
        alert.status, alert.effective, alert.onset = status, effective, onset
        alert.categories, alert.urgency = ["Met"], "Expected"
        alert.severity, alert.certainty = "Severe", "Likely"
        alert.contact = alert.web = ""
        document = cap.render(
            alert, INFOS[False], _areas("all", kelurahan, kecamatan), base_url="http://x.test"
        )
        assert cap.problems(document) == []


@pytest.mark.django_db
def test_every_region_gives_closed_cap_polygons(places):
    *_, every = places
    for region in every:
        polygons = cap.region_polygons(region)
        assert polygons, region.kode
        for polygon in polygons:
            pairs = polygon.split(" ")
            assert pairs[0] == pairs[-1] and len(pairs) >= 4
            lat, lon = map(float, pairs[0].split(","))
            assert -7 < lat < -5.9 and 106 < lon < 106.4  # lat first, in Kota Serang
            assert len(pairs) < 400  # simplified to keep documents reasonable


def test_checker_catches_what_the_schema_cannot():
    bad = b"""<?xml version="1.0" encoding="utf-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a b</identifier>
<sender>x</sender><sent>2026-01-01T00:00:00+07:00</sent><status>Actual</status>
<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>e</event>
<urgency>Past</urgency><severity>Minor</severity><certainty>Likely</certainty>
<area><areaDesc>d</areaDesc><polygon>1,2 3,4 5,6</polygon><circle>1,2 -3</circle></area>
</info></alert>"""
    problems = cap.problems(bad)
    assert len(problems) == 3
    assert cap.problems(b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>")


def test_cap_times_carry_an_offset_never_z():
    text = cap.cap_time(timezone.now())
    assert text.endswith("+07:00") and "." not in text
    ET.fromstring(b"<x/>")  # keep the import honest
