"""``kendali manage dispatch_unit_token <callsign>``: issue a crew token for one unit.

The token carries the scope "unit" and the subject ``dispatch.unit:<id>``, so it can report
status and positions for that unit only. The secret is printed once and never stored.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kendali.core.actors import Actor
from kendali.core.choices import TokenScope
from kendali.core.services import token_create
from kendali.dispatch.models import Unit
from kendali.dispatch.scope import UNIT_SUBJECT


class Command(BaseCommand):
    help = "Issue a crew (unit) token for a unit's phone or vehicle tracker."

    def add_arguments(self, parser):
        parser.add_argument("callsign")

    def handle(self, *args, callsign, **options):
        unit = Unit.objects.filter(callsign=callsign.strip().upper(), is_active=True).first()
        if unit is None:
            raise CommandError(f"Unit {callsign!r} tidak ditemukan.")
        token, plain = token_create(
            actor=Actor.system("cli"),
            name=f"Kru {unit.callsign}",
            scopes=[TokenScope.UNIT],
            agency=unit.agency,
            subject_type=UNIT_SUBJECT,
            subject_id=str(unit.pk),
        )
        self.stdout.write(f"Token kru {unit.callsign} (unit {unit.pk}), simpan sekarang:\n{plain}")
