"""`kendali radius config`: render the FreeRADIUS site, rest module and clients for this
installation into a target directory (a raddb directory, or a drop-in for /etc/freeradius).

    kendali radius config --target /etc/freeradius/3.0 --url https://kendali.serangkota.go.id \\
        --token knd_…            # or --create-token to issue a new token of scope "radius"
    kendali radius config --target /tmp/raddb --standalone   # + radiusd.conf, dictionary
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import kendali
from kendali.core.actors import Actor
from kendali.core.links import public_base_url
from kendali.core.services import token_create
from kendali.wifi import conf
from kendali.wifi.radius_config import RadiusConfig, render


class Command(BaseCommand):
    help = "Render the FreeRADIUS configuration (rlm_rest → Kendali) into a directory."

    def add_arguments(self, parser):
        parser.add_argument("--target", required=True, help="directory to write into")
        parser.add_argument(
            "--url",
            default=public_base_url(),
            help="Kendali base URL as FreeRADIUS reaches it",
        )
        parser.add_argument("--token", default="", help="machine token of scope radius")
        parser.add_argument(
            "--create-token", action="store_true", help="issue a new token of scope radius"
        )
        parser.add_argument("--listen", default="127.0.0.1", help="address FreeRADIUS listens on")
        parser.add_argument("--auth-port", type=int, default=1812)
        parser.add_argument("--acct-port", type=int, default=1813)
        parser.add_argument("--threads", type=int, default=16)
        parser.add_argument(
            "--standalone", action="store_true", help="also write radiusd.conf and dictionary"
        )
        parser.add_argument(
            "--post-auth-accept", action="store_true", help="post accepted logins too"
        )
        parser.add_argument("--no-tls-check", action="store_true")

    def handle(self, *args, **opts):
        token = opts["token"] or conf.radius_token()
        if opts["create_token"]:
            _, token = token_create(
                actor=Actor.system("radius config"), name="FreeRADIUS", scopes=["radius"]
            )
        if not token:
            raise CommandError("--token, KENDALI_RADIUS_TOKEN or --create-token is required")
        config = RadiusConfig(
            kendali_url=opts["url"].rstrip("/"),
            token=token,
            listen_addr=opts["listen"],
            auth_port=opts["auth_port"],
            acct_port=opts["acct_port"],
            threads=opts["threads"],
            standalone=opts["standalone"],
            post_auth_accept=opts["post_auth_accept"],
            tls_check=not opts["no_tls_check"],
        )
        written = render(config, Path(opts["target"]), Path(kendali.__file__).resolve().parent)
        for path in written:
            self.stdout.write(str(path))
        if opts["create_token"]:
            self.stdout.write(f"token: {token}")
