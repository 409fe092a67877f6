from django.core.management.base import BaseCommand

from kendali.core.actors import Actor
from kendali.regions.services import regions_load


class Command(BaseCommand):
    help = "Create or update Kota Serang's kota, kecamatan and kelurahan (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(f"regions: {regions_load(actor=Actor.system('setup'))}")
