"""The live demo's 112 line: calls keep ringing on the console and the wall.

Registered as a demo tick (:mod:`kendali.core.demo_live`). Calls come in batches of five
minutes from :func:`kendali.calls.simulation.serang_stream` (mostly noise, one genuine
emergency a batch); each due PBX event is offered to :func:`services.telephony_event` as
the PBX bridge would send it (answered on one of the simulator's own extensions, never a person's), then a demo call-taker
classifies the call, and opens an incident for the genuine one as the console does.

Stateless: the batch is rebuilt from its number and an event already recorded is not sent
again, so a restart, or two runners at once, neither doubles nor loses a call.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.utils import timezone

from kendali.calls import services
from kendali.calls.choices import CallState
from kendali.calls.models import Call, TelephonyEvent
from kendali.calls.simulation import SimCall, events_for, serang_stream
from kendali.core.demo_live import simulator_actor
from kendali.core.models import User

PREFIX = "demo-live"
BATCH_SECONDS = 300
BATCH_CALLS = 10
TALK_BEFORE_INCIDENT_S = 20  # the call-taker asks where and what before opening the incident
STALE_AFTER = timedelta(minutes=20)

# What a genuine caller reports: (type code, address, description, lat, lon).
SCENARIOS = [
    (
        "kebakaran",
        "Pasar Rau, Jl. Yusuf Martadilaga",
        "Kios di los sayur terbakar, api mulai menjalar ke kios sebelah.",
        -6.1228,
        106.1480,
    ),
    (
        "kecelakaan",
        "Jl. Raya Serang–Pandeglang, Cipocok Jaya",
        "Tabrakan sepeda motor dan mobil bak, satu pengendara luka di kepala.",
        -6.1450,
        106.1720,
    ),
    (
        "medis",
        "Perumahan Taman Banten Lestari, Unyur",
        "Lansia sesak napas dan lemas, keluarga minta ambulans.",
        -6.1005,
        106.1590,
    ),
    (
        "banjir",
        "Kp. Sukajaya, Kasemen",
        "Air masuk rumah warga setinggi lutut, ada lansia yang perlu dievakuasi.",
        -6.0780,
        106.1750,
    ),
    (
        "pohon-tumbang",
        "Jl. Veteran, dekat Alun-alun Serang",
        "Pohon besar tumbang menutup jalan, tidak ada korban.",
        -6.1150,
        106.1510,
    ),
    (
        "gangguan-listrik",
        "Jl. K.H. Abdul Fatah Hasan, Cipare",
        "Kabel listrik putus menjuntai ke jalan, percikan api.",
        -6.1190,
        106.1600,
    ),
    (
        "kriminalitas",
        "Terminal Pakupatan",
        "Penjambretan, pelaku kabur dengan sepeda motor ke arah tol.",
        -6.1350,
        106.1800,
    ),
    (
        "hewan-berbahaya",
        "Kel. Banjarsari, Cipocok Jaya",
        "Sarang tawon besar di atap rumah, seorang anak tersengat.",
        -6.1400,
        106.1650,
    ),
]


def _batch_start(k: int) -> datetime:
    return datetime.fromtimestamp(k * BATCH_SECONDS, tz=UTC)


@lru_cache(maxsize=8)
def _batch(k: int) -> tuple[SimCall, ...]:
    # Calls spread over the first four minutes so that most end inside the batch.
    return tuple(
        serang_stream(BATCH_CALLS, duration_s=BATCH_SECONDS - 60, seed=k, prefix=f"{PREFIX}-{k}")
    )


def _intent(pbx_call_id: str) -> str | None:
    try:
        k = int(pbx_call_id.split("-")[2])
    except (IndexError, ValueError):
        return None
    for call in _batch(k):
        if call.pbx_call_id == pbx_call_id:
            return call.intent
    return None


# The demo's own call-taker positions. Demo calls ring only here, never on an extension a
# person's account has (the printed call-takers' 2101/2102): their consoles get no screen-pop
# from the simulator and no call is counted as theirs.
SIM_EXTENSIONS = ("2191", "2192", "2193")


def _extensions() -> list[str]:
    """The simulator's extensions that no active account uses."""
    taken = set(
        User.objects.filter(extension__in=SIM_EXTENSIONS, is_active=True).values_list(
            "extension", flat=True
        )
    )
    return [e for e in SIM_EXTENSIONS if e not in taken]


def _scenario(pbx_call_id: str) -> dict:
    rng = random.Random(pbx_call_id)
    type_code, address, description, lat, lon = rng.choice(SCENARIOS)
    return {
        "type_code": type_code,
        "address": address,
        "description": description,
        "lat": round(lat + rng.uniform(-0.002, 0.002), 6),
        "lon": round(lon + rng.uniform(-0.002, 0.002), 6),
    }


def _ring(now: datetime, pbx) -> None:
    """Send the PBX events that are due and not yet recorded."""
    extensions = _extensions() or [""]  # no free position: rings unanswered by a person
    k_now = int(now.timestamp() // BATCH_SECONDS)
    plans = {}
    for k in (k_now - 1, k_now):
        for n, call in enumerate(_batch(k)):
            if call.offset_s > (now - _batch_start(k)).total_seconds():
                continue
            plans[call.pbx_call_id] = events_for(
                call, start=_batch_start(k), extension=extensions[n % len(extensions)]
            )
    done = set(
        TelephonyEvent.objects.filter(pbx_call_id__in=list(plans)).values_list(
            "pbx_call_id", "kind"
        )
    )
    due = []
    for pbx_call_id, events in plans.items():
        for _offset, event in events:
            at = datetime.fromisoformat(event["at"])
            if at <= now and (pbx_call_id, event["kind"]) not in done:
                due.append((at, event))
    for at, event in sorted(due, key=lambda item: item[0]):
        fields = {k: v for k, v in event.items() if k not in ("kind", "pbx_call_id", "at")}
        services.telephony_event(
            actor=pbx, kind=event["kind"], pbx_call_id=event["pbx_call_id"], at=at, **fields
        )


def _handle(now: datetime, taker, pbx) -> None:
    """The demo call-taker: open an incident for a genuine call, classify the rest."""
    pending = Call.objects.filter(
        pbx_call_id__startswith=PREFIX + "-", outcome="", incident__isnull=True
    ).order_by("offered_at")
    for call in pending:
        if call.state != CallState.ENDED and now - call.offered_at > STALE_AFTER:
            # Left over from a run that stopped mid-call: the line dropped.
            services.telephony_event(actor=pbx, kind="ended", pbx_call_id=call.pbx_call_id, at=now)
            call.refresh_from_db()
        if call.answered_at is None:
            continue
        intent = _intent(call.pbx_call_id) or "ghost"
        if intent == "darurat":
            if (now - call.answered_at).total_seconds() >= TALK_BEFORE_INCIDENT_S or (
                call.state == CallState.ENDED
            ):
                services.call_open_incident(actor=taker, call=call, **_scenario(call.pbx_call_id))
        elif call.state == CallState.ENDED:
            services.call_classify(actor=taker, call=call, outcome=intent)


def demo_tick(*, now: datetime | None = None) -> None:
    now = now or timezone.now()
    pbx = simulator_actor("pbx")
    _ring(now, pbx)
    _handle(now, simulator_actor("penerima-112"), pbx)
