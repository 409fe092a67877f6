import subprocess

from django.core.management.base import BaseCommand, CommandError

from kendali.core import backup


class Command(BaseCommand):
    help = "Restore a `kendali backup` archive into the configured, empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            summary = backup.restore(options["file"])
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc))
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"{exc.cmd[0]} failed: {exc.stderr.decode(errors='replace')[-2000:]}"
            )
        self.stdout.write(
            f"restored {summary.path}: {summary.tables} tables, {summary.rows} rows, "
            f"{summary.audit_entries} audit entries and {summary.media_files} media files checked"
        )
