from django.core.management.base import BaseCommand

from kendali.incidents.taxonomy import ensure_taxonomy, link_default_agencies


class Command(BaseCommand):
    help = (
        "Lengkapi taksonomi kejadian dan hubungkan instansi bawaan tiap jenis menurut kode "
        "instansi (jalankan setelah instansi dibuat)."
    )

    def handle(self, *args, **options):
        created = ensure_taxonomy()
        linked = link_default_agencies()
        self.stdout.write(f"jenis baru: {created}, tautan instansi baru: {linked}")
