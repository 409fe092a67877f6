"""Update and compile the English catalogue (source strings are Indonesian).

    python scripts/compile_messages.py            # makemessages (needs xgettext) + compile
    python scripts/compile_messages.py --compile  # compile only (pure Python, Babel)

The compiled .mo is committed, so running Kendali never needs gettext tools.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kendali"
LOCALE = PACKAGE / "locale"


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kendali.settings", "KENDALI_DEBUG": "1"}
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "makemessages",
                "-l",
                "en",
                "-d",
                domain,
                "--no-obsolete",
                "--no-location",
                "-i",
                "locale/*",
                "-i",
                "*/migrations/*",
                "-i",
                "*/static/leaflet/*",
            ],
            cwd=PACKAGE,
            env=env,
            check=True,
        )
    rewrap()


def rewrap() -> None:
    """makemessages wraps at 76 columns; the committed catalogues are wrapped at 100, so an
    update shows only the strings that changed."""
    from babel.messages.pofile import read_po, write_po

    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=100)


def compile_all() -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    if "--compile" not in sys.argv:
        extract()
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT)}")
