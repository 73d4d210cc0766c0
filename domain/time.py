"""Time in the domain: received as aware UTC datetimes, read in China Standard Time (Asia/Shanghai)
for dates and periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# China has no daylight saving time; a fixed offset avoids depending on the tz database.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(at: datetime) -> date:
    return at.astimezone(CHINA).date()
