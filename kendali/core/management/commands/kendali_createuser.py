import getpass

from django.core.management.base import BaseCommand, CommandError

from kendali.core import services
from kendali.core.actors import Actor
from kendali.core.choices import Role
from kendali.core.errors import KendaliError
from kendali.core.models import Agency


class Command(BaseCommand):
    help = "Create a user with one or more roles (run on the server console, audited as 'cli')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", required=True, choices=Role.values)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--agency", help="agency code (required for agency officers and asset managers)"
        )
        parser.add_argument("--extension", default="")
        parser.add_argument("--password", help="omit to be asked")

    def handle(self, *args, **o):
        password = o["password"] or getpass.getpass("Kata sandi: ")
        agency = None
        if o["agency"]:
            agency = Agency.objects.filter(code=o["agency"]).first()
            if agency is None:
                raise CommandError(f"unknown agency {o['agency']}")
        try:
            user = services.user_create(
                actor=Actor.system("cli"),
                username=o["username"],
                password=password,
                roles=o["role"],
                full_name=o["full_name"],
                email=o["email"],
                agency=agency,
                extension=o["extension"],
            )
        except KendaliError as exc:
            raise CommandError(exc.detail)
        self.stdout.write(f"created {user.username} ({', '.join(o['role'])})")
