"""`kendali open311-key create NAME`: an API key for one Open311 client application, shown
once and stored as a digest (a core machine token with the ``open311`` scope)."""

from django.core.management.base import BaseCommand, CommandError

from kendali.core.actors import Actor
from kendali.core.errors import KendaliError
from kendali.core.models import MachineToken
from kendali.reports import services


class Command(BaseCommand):
    help = "Open311 client keys: create NAME (key shown once), list, revoke ID."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("key_id", type=int)

    def handle(self, *args, **options):
        actor = Actor.system("cli")
        try:
            if options["action"] == "create":
                token, plain = services.open311_key_create(actor=actor, name=options["name"])
                self.stdout.write(f"id={token.pk} name={token.name}")
                self.stdout.write("Simpan kunci ini sekarang; kunci tidak ditampilkan lagi:")
                self.stdout.write(plain)
            elif options["action"] == "list":
                for token in MachineToken.objects.filter(subject_type="reports.open311"):
                    state = "dicabut" if token.revoked_at else "aktif"
                    used = token.last_used_at.isoformat() if token.last_used_at else "-"
                    self.stdout.write(
                        f"{token.pk:>4} knd_{token.prefix}… {state:<8} terakhir={used} {token.name}"
                    )
            else:
                services.open311_key_revoke(actor=actor, key_id=options["key_id"])
                self.stdout.write(f"dicabut {options['key_id']}")
        except KendaliError as exc:
            raise CommandError(exc.detail)
