from django.core.management import call_command
from django.core.management.base import BaseCommand

from kendali.core.actors import Actor
from kendali.core.roles import sync_roles
from kendali.regions.services import regions_load


class Command(BaseCommand):
    help = "Migrate, create the role groups with their permissions, and load Kota Serang's regions."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = sync_roles()
        regions = regions_load(actor=Actor.system("setup"))
        self.stdout.write(f"roles: {len(counts)}; regions: {regions}")
