"""SP4N-LAPOR! deadlines in working days (Monday–Friday, Indonesia's public holidays off).

Forward within 3 working days of receipt, follow up within 5 working days of forwarding,
and the report is finished 10 working days after a follow-up unless the reporter objects.
A due time is the end of the last working day (23:59:59 WIB), so a report received on a
Friday evening still has three whole working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")
FORWARD_DAYS = 3
FOLLOWUP_DAYS = 5
CLOSE_DAYS = 10


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end (WIB) of the ``days``-th working day after ``start``'s day."""
    day = start.astimezone(WIB).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=WIB)


def working_days_left(due: datetime, now: datetime) -> int:
    """Whole working days from today (WIB) to the due day; negative when overdue."""
    today = now.astimezone(WIB).date()
    due_day = due.astimezone(WIB).date()
    if now > due:
        step, sign = -1, -1
        day, end = due_day, today
    else:
        step, sign = 1, 1
        day, end = today, due_day
    count = 0
    while day != end:
        day += timedelta(days=step * sign)
        if is_working_day(day):
            count += 1
    return count * sign


def timer(due: datetime | None, done_at: datetime | None, now: datetime) -> dict | None:
    """What a timer shows: {"due", "left" (working days), "state": ok|soon|late|done|done_late}."""
    if due is None:
        return None
    if done_at is not None:
        state = "done" if done_at <= due else "done_late"
        return {"due": due, "left": None, "late_by": 0, "state": state}
    left = working_days_left(due, now)
    state = "late" if now > due else ("soon" if left <= 1 else "ok")
    return {"due": due, "left": left, "late_by": -left if left < 0 else 0, "state": state}
