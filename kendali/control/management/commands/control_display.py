"""``kendali manage control_display <kode> "nama"``: register a wall screen, whose page is then
opened as ``/ruang-kendali/dinding/?layar=<kode>`` (system actor, audited)."""

from django.core.management.base import BaseCommand, CommandError

from kendali.control.services import wall_display_register
from kendali.core.actors import Actor
from kendali.core.errors import KendaliError


class Command(BaseCommand):
    help = "Daftarkan layar dinding video ruang kendali."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")

    def handle(self, *args, **o):
        try:
            display = wall_display_register(
                actor=Actor.system("cli"), code=o["code"], name=o["name"]
            )
        except KendaliError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"/ruang-kendali/dinding/?layar={display.code}")
