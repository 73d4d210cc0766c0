"""Time in the domain: received as aware UTC datetimes, read in China Standard Time (Asia/Shanghai)
for dates and periods."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Final

from domain.kernel.errors import Invalid

# China has no daylight saving time; a fixed offset avoids depending on the tz database.
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# The instants a date or a period is reckoned for when the caller names them (a checklist's
# ``at``): China time in the years 2000 to 2099. Far wider than anything the platform records (a
# visit is at most a year old), and far enough inside what a date can hold (years 1 to 9999)
# that a period around any of them, and its end, exists.
EARLIEST: Final = datetime(2000, 1, 1, tzinfo=CHINA)
LATEST: Final = datetime(2100, 1, 1, tzinfo=CHINA)  # excluded


def check_in_range(at: datetime, *, field: str) -> None:
    """Refuse an instant outside [EARLIEST, LATEST) (comparing aware datetimes converts
    nothing, so this is safe for any of them)."""
    if not EARLIEST <= at < LATEST:
        raise Invalid(
            "time.out_of_range", "时间须在 2000 年至 2099 年之间（中国时间）", field=field
        )


def local_date(at: datetime) -> date:
    """The China date of an instant. Within hours of the years 1 and 9999 there is none (the
    conversion overflows): refused as input, never a server error — callers that take times
    from a request check their range before this, and this is the net for any that does not."""
    try:
        return at.astimezone(CHINA).date()
    except OverflowError:
        raise Invalid("time.out_of_range", "时间超出可处理的范围", field=None) from None
