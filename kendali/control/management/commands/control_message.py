"""``kendali manage control_message "teks"``: put a message on every video wall
(for scripts and drills; runs as the system actor and is audited)."""

from django.core.management.base import BaseCommand, CommandError

from kendali.control.choices import MessageLevel
from kendali.control.services import wall_message_post
from kendali.core.actors import Actor
from kendali.core.errors import KendaliError


class Command(BaseCommand):
    help = "Pasang pesan di dinding video ruang kendali."

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument("--level", default=MessageLevel.INFO, choices=MessageLevel.values)
        parser.add_argument("--minutes", type=int, default=60)

    def handle(self, *args, **o):
        try:
            message = wall_message_post(
                actor=Actor.system("cli"), text=o["text"], level=o["level"], minutes=o["minutes"]
            )
        except KendaliError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"id={message.pk}")
