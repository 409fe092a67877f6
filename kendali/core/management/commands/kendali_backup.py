from django.core.management.base import BaseCommand, CommandError

from kendali.core import backup


class Command(BaseCommand):
    help = "Back up the database and uploaded media into one archive (tar.gz with a manifest)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            summary = backup.backup(options["file"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"backup {summary.path}: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.audit_entries} audit entries, {summary.media_files} media files"
        )
