"""Calendar arithmetic as a person means it, in the installation's time zone.

"One month after 31 January" is the last day of February; "nine months before
29 February 2028" is 29 May 2027; a yearly series from 29 February keeps to the
end of February and returns to the 29th in leap years. Every series step is
computed from the anchor date, never from the previous step, so clamping does
not drift. Local wall times (09:00) survive summer time because offsets are
resolved per date by zoneinfo.

The time zone is the one `IOP_TIMEZONE` names (Europe/Stockholm by default). The composition root
(app.services.build_services) makes it the default of these functions with `use_zone`, from the clock it
builds, so that pages, mail, timers and the archive all read one zone; code with a clock at hand passes
`clock.tz` explicitly, and `zone()` answers for the rest.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Stockholm"
_zone: ZoneInfo = ZoneInfo(DEFAULT_ZONE)


def zone() -> ZoneInfo:
    """The installation's calendar time zone (IOP_TIMEZONE; Europe/Stockholm until `use_zone` says otherwise)."""
    return _zone


def use_zone(tz: ZoneInfo | str) -> ZoneInfo:
    """Make `tz` the default zone of the calendar (the composition root calls it with the clock's zone); returns
    the zone it replaced. A name that is no time zone raises ValueError naming it."""
    global _zone
    previous = _zone
    if isinstance(tz, str):
        try:
            tz = ZoneInfo(tz)
        except (ValueError, KeyError) as exc:
            raise ValueError(f"IOP_TIMEZONE: {tz!r} is no time zone (e.g. Europe/Stockholm)") from exc
    _zone = tz
    return previous

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    months: int = 0
    days: int = 0
    seconds: int = 0

    def is_zero(self) -> bool:
        return not (self.months or self.days or self.seconds)


def parse_duration(text: str) -> Duration:
    """ISO 8601 duration (P1Y2M10DT2H30M) into calendar months, days and seconds."""
    raw = text.strip().upper()
    sign = 1
    if raw.startswith("-"):
        sign, raw = -1, raw[1:]
    match = _DURATION.match(raw)
    if not match or raw in ("P", "PT") or raw.endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P9M, P30D or PT2H")
    g = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    return Duration(
        months=sign * (g["years"] * 12 + g["months"]),
        days=sign * (g["weeks"] * 7 + g["days"]),
        seconds=sign * (g["hours"] * 3600 + g["minutes"] * 60 + g["seconds"]),
    )


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_duration_to_date(day: date, duration: Duration) -> date:
    return add_months(day, duration.months) + timedelta(days=duration.days)


def add_duration(moment: datetime, duration: Duration, tz: ZoneInfo | None = None) -> datetime:
    """Add a duration to an aware moment: months and days on the local calendar, then seconds."""
    tz = tz or _zone
    local = moment.astimezone(tz)
    new_day = add_duration_to_date(local.date(), duration)
    wall = datetime.combine(new_day, local.time().replace(tzinfo=None))
    return localize(wall, tz).astimezone(UTC) + timedelta(seconds=duration.seconds)


def localize(wall: datetime, tz: ZoneInfo | None = None) -> datetime:
    """A naive local wall time as an aware datetime; a time that summer time skips moves forward."""
    tz = tz or _zone
    aware = wall.replace(tzinfo=tz, fold=0)
    roundtrip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip != wall:  # in the spring gap
        aware = (wall + timedelta(hours=1)).replace(tzinfo=tz)
    return aware


def at_local_time(day: date, wall: time, tz: ZoneInfo | None = None) -> datetime:
    """The aware UTC moment of a local wall-clock time on a calendar day."""
    return localize(datetime.combine(day, wall), tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo | None = None) -> datetime:
    return at_local_time(day, time(23, 59, 59), tz)


def series(anchor: date, step_months: int, count: int) -> list[date]:
    """Dates anchor, anchor+step, anchor+2*step ... each computed from the anchor (no drift)."""
    return [add_months(anchor, step_months * i) for i in range(count)]


def local_date(moment: datetime, tz: ZoneInfo | None = None) -> date:
    return moment.astimezone(tz or _zone).date()
