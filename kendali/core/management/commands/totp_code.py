import pyotp
from django.core.management.base import BaseCommand, CommandError

from kendali.core.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a user (for local demos and recovery on the server console)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.totp_secret:
            raise CommandError(f"{username}: no TOTP secret")
        self.stdout.write(pyotp.TOTP(user.totp_secret).now())
