from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kendali.core.actors import Actor
from kendali.core.demo import TWO_FACTOR_DEMO_SECRETS, run_all


class Command(BaseCommand):
    help = "Load the demo data (Kota Serang agencies, one user per role, module demo data) and print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="where the demo is served"
        )

    def handle(self, *args, **options):
        call_command("kendali_setup")
        with transaction.atomic():
            credentials = run_all(actor=Actor.system("demo"))
        self.stdout.write("")
        self.stdout.write(f"Akun demo / demo logins ({options['url']}):")
        self.stdout.write(f"  {'pengguna':<12} {'kata sandi':<20} peran")
        for username, role, password in credentials:
            extra = ""
            if username in TWO_FACTOR_DEMO_SECRETS:
                extra = f"  [TOTP: {TWO_FACTOR_DEMO_SECRETS[username]} — kode: kendali manage totp_code {username}]"
            self.stdout.write(f"  {username:<12} {password:<20} {role}{extra}")
        self.stdout.write("")
