"""CAP 1.2: time to render and validate (OASIS XSD + structural checks) the demo flood
warning (three Kasemen kelurahan, Indonesian + English info), and its size, with the
polygons simplified as published against the same document with the raw boundaries
(the baseline, measured in the same run). No database: unsaved model instances."""

from __future__ import annotations

import time
from datetime import timedelta

from common import report, setup_django

setup_django()

from django.utils import timezone  # noqa: E402

from kendali.alerts import cap  # noqa: E402
from kendali.alerts.models import Alert, AlertArea, AlertInfo  # noqa: E402
from kendali.regions.locate import load_features  # noqa: E402
from kendali.regions.models import Region  # noqa: E402

KELURAHAN = ["36.73.02.1001", "36.73.02.1002", "36.73.02.1007"]
ROUNDS = 200


def regions() -> dict[str, Region]:
    found = {}
    for feature in sorted(load_features(), key=lambda f: len(f["properties"]["kode"])):
        p = feature["properties"]
        parent = found.get(p["kode"].rsplit(".", 1)[0]) if p["level"] != "kota" else None
        found[p["kode"]] = Region(
            kode=p["kode"],
            nama=p["nama"],
            level=p["level"],
            geometry=feature["geometry"],
            parent=parent,
        )
    return found


def message(places):
    now = timezone.now()
    alert = Alert(
        identifier="serangkota-peringatan-2026-000001",
        sender="peringatan@serangkota.go.id",
        sent=now,
        msg_type="Alert",
        categories=["Met"],
        urgency="Expected",
        severity="Severe",
        certainty="Likely",
        sender_name="BPBD Kota Serang",
        contact="112",
        onset=now + timedelta(minutes=30),
        expires=now + timedelta(hours=12),
    )
    infos = [
        AlertInfo(language="id-ID", event="Banjir", headline="Banjir", description="Air naik"),
        AlertInfo(language="en-US", event="Flood", headline="Flood", description="Water rising"),
    ]
    areas = [AlertArea(kind="kelurahan", region=places[k]) for k in KELURAHAN]
    return alert, infos, areas


def measure(alert, infos, areas) -> tuple[float, int]:
    document = cap.render(alert, infos, areas, base_url="https://kendali.test")
    assert cap.problems(document) == []
    start = time.perf_counter()
    for _ in range(ROUNDS):
        document = cap.render(alert, infos, areas, base_url="https://kendali.test")
        cap.problems(document)
    return (time.perf_counter() - start) / ROUNDS * 1000, len(document)


def main() -> None:
    cap.schema()
    alert, infos, areas = message(regions())
    simplified_ms, simplified_bytes = measure(alert, infos, areas)
    cap.SIMPLIFY_DEGREES = 0.0
    cap._region_polygons.cache_clear()
    raw_ms, raw_bytes = measure(alert, infos, areas)
    report(
        "alerts.cap.render_validate",
        simplified_ms,
        "ms/document",
        baseline_name="same document, unsimplified boundaries",
        baseline=raw_ms,
        target="well under a second per publication",
    )
    report(
        "alerts.cap.document_size",
        simplified_bytes,
        "bytes",
        baseline_name="same document, unsimplified boundaries",
        baseline=raw_bytes,
    )


if __name__ == "__main__":
    main()
