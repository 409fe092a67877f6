from django.core.management.base import BaseCommand, CommandError

from kendali.core import services
from kendali.core.actors import Actor
from kendali.core.choices import TokenScope
from kendali.core.errors import KendaliError
from kendali.core.models import Agency, MachineToken


class Command(BaseCommand):
    help = "Machine tokens: create (secret shown once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--scope", action="append", required=True, choices=TokenScope.values)
        create.add_argument("--agency")
        create.add_argument("--subject-type", default="")
        create.add_argument("--subject-id", default="")
        create.add_argument("--allow-ip", action="append", default=[])
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, **o):
        actor = Actor.system("cli")
        try:
            if o["action"] == "create":
                agency = Agency.objects.filter(code=o["agency"]).first() if o["agency"] else None
                token, plain = services.token_create(
                    actor=actor,
                    name=o["name"],
                    scopes=o["scope"],
                    agency=agency,
                    subject_type=o["subject_type"],
                    subject_id=o["subject_id"],
                    allowed_ips=o["allow_ip"],
                )
                self.stdout.write(f"id={token.pk} scopes={','.join(token.scopes)}")
                self.stdout.write(plain)
            elif o["action"] == "list":
                for t in MachineToken.objects.order_by("id"):
                    state = "revoked" if t.revoked_at else "active"
                    used = t.last_used_at.isoformat() if t.last_used_at else "-"
                    self.stdout.write(
                        f"{t.pk:>4} knd_{t.prefix}… {state:<8} {','.join(t.scopes):<24} last-used={used} {t.name}"
                    )
            else:
                services.token_revoke(actor=actor, token_id=o["token_id"])
                self.stdout.write(f"revoked {o['token_id']}")
        except KendaliError as exc:
            raise CommandError(exc.detail)
