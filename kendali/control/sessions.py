"""The video wall stays logged in: the wall's account gets a long, rolling session.

Sessions last one shift (``KENDALI_SESSION_HOURS``). A wall runs for weeks unattended; its
account holds only the control-room viewer role (read-only, no two-factor), so while the
wall keeps asking for its tiles and layers its session is renewed for
``KENDALI_WALL_SESSION_DAYS``. Any account with another role keeps the shift-long session.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kendali.core.choices import Role


def is_wall_account(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and not user.is_superuser
        and user.roles == {Role.CONTROL_ROOM_VIEWER}
    )


def keep_wall_session(request) -> None:
    """Renew the wall account's session when half of its lifetime is used up (at most one
    session write per half lifetime, not one per request)."""
    session = getattr(request, "session", None)
    if session is None or getattr(request, "machine_token", None) is not None:
        return
    if not is_wall_account(getattr(request, "user", None)):
        return
    lifetime = timedelta(days=settings.WALL_SESSION_DAYS)
    now = timezone.now()
    # An absolute date: a number of seconds would be counted again from every load.
    if session.get_expiry_date() - now < lifetime / 2:
        session.set_expiry(now + lifetime)
