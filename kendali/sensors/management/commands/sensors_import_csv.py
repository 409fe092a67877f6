"""``kendali manage sensors_import_csv FILE``: import history (device,variable,time,value[,unit])."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kendali.core.actors import Actor
from kendali.sensors.services import readings_import_csv


class Command(BaseCommand):
    help = "Impor riwayat sensor dari CSV / import sensor history from CSV"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"berkas tidak ada: {path}")
        result = readings_import_csv(
            actor=Actor.system("csv-import"), text=file.read_text(encoding="utf-8-sig")
        )
        self.stdout.write(
            f"{result.received} baris, {result.stored} disimpan, {result.duplicates} sudah ada, "
            f"{len(result.rejected)} ditolak, {result.summarized} baris lama ke ringkasan saja"
        )
        for rejected in result.rejected[:50]:
            self.stdout.write(f"  baris {rejected['line']}: {rejected['reason']}")
