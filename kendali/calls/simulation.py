"""A Serang-like stream of 112 calls for the simulator, the demo and the benchmark.

Kota Serang 2019-2020: ~100 calls a day, fewer than one genuine emergency a day (≈0.3%),
most of the rest prank (iseng), silent (ghost), wrong numbers or dropped, with a handful of
repeat pranksters making a large share of the noise."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

# (intent, weight) of a call from a random number; pranksters come on top of this.
MIX = [
    ("iseng", 30),
    ("ghost", 28),
    ("salah_sambung", 10),
    ("informasi", 8),
    ("terputus", 14),
    ("uji", 1),
]


@dataclass(frozen=True)
class SimCall:
    pbx_call_id: str
    number: str
    intent: str  # what a call-taker will find: iseng, ghost, darurat, …
    offset_s: float  # seconds after the start of the stream
    ring_s: float
    hold_s: float


def _random_number(rng: random.Random) -> str:
    prefix = rng.choice(["0812", "0813", "0857", "0878", "0896", "0838", "+62815", "62821"])
    return prefix + "".join(rng.choice("0123456789") for _ in range(8))


def serang_stream(
    count: int,
    *,
    duration_s: float,
    seed: int = 112,
    genuine_share: float = 0.003,
    pranksters: int = 4,
    prankster_share: float = 0.3,
    prefix: str = "sim",
) -> list[SimCall]:
    """``count`` calls spread over ``duration_s`` seconds, at least one genuine emergency."""
    rng = random.Random(seed)
    repeaters = [_random_number(rng) for _ in range(pranksters)]
    genuine = max(1, round(count * genuine_share))
    genuine_at = set(rng.sample(range(count), genuine))
    stamp = rng.randrange(10**6)
    calls = []
    offsets = sorted(rng.uniform(0, duration_s) for _ in range(count))
    intents, weights = zip(*MIX, strict=True)
    for i, offset in enumerate(offsets):
        if i in genuine_at:
            number, intent = _random_number(rng), "darurat"
        elif rng.random() < prankster_share:
            number, intent = rng.choice(repeaters), rng.choice(["iseng", "iseng", "iseng", "ghost"])
        else:
            number, intent = _random_number(rng), rng.choices(intents, weights)[0]
            if rng.random() < 0.04:
                number = "anonymous"
        calls.append(
            SimCall(
                pbx_call_id=f"{prefix}-{stamp}-{i:05d}",
                number=number,
                intent=intent,
                offset_s=offset,
                ring_s=rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 14, 18]),
                hold_s=rng.uniform(8, 90) if intent != "darurat" else rng.uniform(60, 180),
            )
        )
    return calls


def events_for(
    call: SimCall, *, start: datetime, extension: str, hold_scale: float = 1.0
) -> list[tuple[float, dict]]:
    """The telephony events of one simulated call: [(seconds after start, event)]."""
    offered = call.offset_s
    out = [
        (
            offered,
            {
                "kind": "offered",
                "pbx_call_id": call.pbx_call_id,
                "number": call.number,
                "trunk": "SIP-TELKOM-1",
            },
        )
    ]
    if call.intent == "terputus":
        out.append(
            (offered + call.ring_s * 2, {"kind": "abandoned", "pbx_call_id": call.pbx_call_id})
        )
        return _stamp(out, start)
    answered = offered + call.ring_s
    out.append(
        (answered, {"kind": "answered", "pbx_call_id": call.pbx_call_id, "extension": extension})
    )
    out.append(
        (answered + call.hold_s * hold_scale, {"kind": "ended", "pbx_call_id": call.pbx_call_id})
    )
    return _stamp(out, start)


def _stamp(events: list[tuple[float, dict]], start: datetime) -> list[tuple[float, dict]]:
    return [(t, {**e, "at": (start + timedelta(seconds=t)).isoformat()}) for t, e in events]
