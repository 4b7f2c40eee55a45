#!/usr/bin/env python
"""Django's command-line utility for the loyalty portal.

Production settings unless DJANGO_SETTINGS_MODULE names others (`loyalty/settings/__init__.py`);
on a developer's machine: DJANGO_SETTINGS_MODULE=loyalty.settings.local (`make run` sets it).
"""

import sys


def main() -> None:
    from loyalty.settings import settings_module_setdefault

    settings_module_setdefault()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
