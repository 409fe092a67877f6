from django.core.management import call_command
from django.core.management.base import BaseCommand

from kendali.core.roles import sync_roles


class Command(BaseCommand):
    help = "Migrate, create the role groups with their permissions, and load Kota Serang's regions."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = sync_roles()
        self.stdout.write(f"roles: {len(counts)}")
        # By command name: core imports no app, regions included (see docs/architecture.md).
        call_command("regions_load", stdout=self.stdout)
