import json

from django.core.management.base import BaseCommand, CommandError

from kendali.core.events import publish_now


class Command(BaseCommand):
    help = "Publish one event on the live stream (operations: test a wall or a listener)."

    def add_arguments(self, parser):
        parser.add_argument("topic")
        parser.add_argument("data", nargs="?", default="{}", help="JSON object")
        parser.add_argument("--perm", default="")
        parser.add_argument("--agency", action="append", default=[])

    def handle(self, *args, topic, data, perm, agency, **options):
        try:
            payload = json.loads(data)
        except json.JSONDecodeError as exc:
            raise CommandError(f"data is not JSON: {exc}")
        if not isinstance(payload, dict):
            raise CommandError("data must be a JSON object")
        event = publish_now(topic, payload, perm=perm, agency_ids=agency)
        self.stdout.write(event.id)
