#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    from kendali.cli import _demo_home

    # The same rule as `kendali manage`: in a demo's directory, the demo's development settings.
    if _demo_home():
        os.environ.setdefault("KENDALI_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
