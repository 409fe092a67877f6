"""`kendali manage reports_defaults`: load Kota Serang's default report categories."""

from django.core.management.base import BaseCommand

from kendali.core.actors import Actor
from kendali.reports.defaults import load_defaults


class Command(BaseCommand):
    help = (
        "Load the missing default citizen-report categories and their OPDs "
        "(--perbarui also resets the existing ones to the defaults)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--perbarui",
            action="store_true",
            help="reset existing default categories (name, OPD, attributes) to the defaults",
        )

    def handle(self, *args, **options):
        cats = load_defaults(actor=Actor.system("reports_defaults"), update=options["perbarui"])
        for category in cats.values():
            owner = category.agency.short_name if category.agency else "-"
            self.stdout.write(f"{category.code:<20} {owner:<20} {category.name}")
