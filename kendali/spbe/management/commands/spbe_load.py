"""Load (or reload) the bundled SPBE reference lists, frameworks and the policy checklist."""

from django.core.management.base import BaseCommand

from kendali.core.actors import Actor
from kendali.core.errors import KendaliError


class Command(BaseCommand):
    help = (
        "Muat daftar kode referensi, kerangka evaluasi bawaan dan daftar kebijakan internal SPBE."
    )

    def handle(self, *args, **options):
        from kendali.spbe import services

        actor = Actor.system("spbe_load")
        try:
            refs = services.reference_codes_load(actor=actor)
            loaded = services.frameworks_load_bundled(actor=actor)
            services.policies_ensure(actor=actor)
            synced = services.components_sync(actor=actor)
        except KendaliError as exc:
            for error in exc.errors or []:
                self.stderr.write(f"{error}")
            raise SystemExit(exc.detail) from exc
        self.stdout.write(
            f"referensi: {refs}; kerangka: {', '.join(str(f) for f in loaded)}; komponen: {synced}"
        )
