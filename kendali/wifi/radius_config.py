"""Rendering of deploy/freeradius/ for this installation (used by `kendali radius config`,
the FreeRADIUS tests and the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kendali.wifi import conf, crypto
from kendali.wifi.models import AccessPoint

POST_AUTH_ACCEPT = """\t\tupdate control {
\t\t\t&REST-HTTP-Header := "Authorization: Bearer @@TOKEN@@"
\t\t\t&REST-HTTP-Header += "X-Kendali-NAS: %{Packet-Src-IP-Address}"
\t\t}
\t\trest"""


@dataclass
class RadiusConfig:
    kendali_url: str
    token: str
    listen_addr: str = "127.0.0.1"
    auth_port: int = 1812
    acct_port: int = 1813
    threads: int = 16
    standalone: bool = False
    post_auth_accept: bool = False
    tls_check: bool = True


def templates_dir(package_dir: Path) -> Path:
    for candidate in (
        Path(conf.freeradius_templates()),
        package_dir.parent / "deploy" / "freeradius",
        Path("/usr/share/kendali/freeradius"),
    ):
        if (candidate / "sites-available" / "kendali").is_file():
            return candidate
    raise FileNotFoundError("deploy/freeradius templates not found")


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def clients_conf() -> str:
    lines = ["# Kendali: one client per registered access point (rendered; do not edit)."]
    for ap in AccessPoint.objects.select_related("park").order_by("pk"):
        lines += [
            f"client kendali_ap_{ap.pk} {{",
            f"\tipaddr = {ap.nas_ip}",
            f'\tsecret = "{_quote(crypto.decrypt(ap.secret_encrypted))}"',
            f'\tshortname = "{_quote(ap.name[:30])}"',
            "\tnas_type = other",
            "}",
        ]
    return "\n".join(lines) + "\n"


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise ValueError("unfilled marker in FreeRADIUS template")
    return text


def render(config: RadiusConfig, target: Path, package_dir: Path) -> list[Path]:
    source = templates_dir(package_dir)
    target.mkdir(parents=True, exist_ok=True)
    run_dir = target / "run"
    values = {
        "KENDALI_URL": config.kendali_url,
        "TOKEN": config.token,
        "LISTEN_ADDR": config.listen_addr,
        "AUTH_PORT": str(config.auth_port),
        "ACCT_PORT": str(config.acct_port),
        "POOL_START": str(max(config.threads // 2, 1)),
        "POOL_MAX": str(config.threads),
        "THREADS": str(config.threads),
        "TLS_CHECK": "yes" if config.tls_check else "no",
        "RADDB_DIR": str(target.resolve()),
        "RUN_DIR": str(run_dir.resolve()),
    }
    values["POST_AUTH_ACCEPT"] = _fill(POST_AUTH_ACCEPT, values) if config.post_auth_accept else ""
    written = []

    def write(rel: str, text: str, mode: int = 0o640) -> None:
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        written.append(path)

    site = _fill((source / "sites-available" / "kendali").read_text(), values)
    rest = _fill((source / "mods-available" / "rest").read_text(), values)
    write("sites-available/kendali", site)
    write("mods-available/rest", rest)
    write("clients.kendali.conf", clients_conf())
    if config.standalone:
        run_dir.mkdir(parents=True, exist_ok=True)
        write("radiusd.conf", _fill((source / "radiusd.conf").read_text(), values))
        write("clients.conf", "$INCLUDE clients.kendali.conf\n")
        write(
            "dictionary",
            "# Local attributes (the standard dictionaries load from /usr/share/freeradius).\n",
        )
        write("sites-enabled/kendali", site)
        write("mods-enabled/rest", rest)
    return written
