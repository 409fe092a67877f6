"""Demo: the two screens of the control room's video wall, registered by name (the assets
demo then records them as KIB B items, linked for their live state)."""

from __future__ import annotations

from kendali.control.models import WallDisplay
from kendali.control.services import wall_display_register
from kendali.core.actors import Actor

DEMO_DISPLAYS = [
    ("dinding-kiri", "Layar dinding kiri ruang kendali"),
    ("dinding-kanan", "Layar dinding kanan ruang kendali"),
]


def seed(*, actor: Actor) -> None:
    for code, name in DEMO_DISPLAYS:
        if not WallDisplay.objects.filter(code=code).exists():
            wall_display_register(actor=actor, code=code, name=name)
