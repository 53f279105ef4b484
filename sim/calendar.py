"""Holiday calendar: purchase-occasion multipliers and group-activity boosts per date.

Spring Festival (lunar, dates listed in the config), 618 and 双11 lift purchase occasions
and wake groups up; on ordinary days groups are quiet (S13).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .config import CalendarConfig


def day_to_date(start: dt.date, day: int) -> dt.date:
    """Calendar date of a day index; reported day 1 is ``start`` (warm-up days are <= 0)."""
    return start + dt.timedelta(days=day - 1)


def build_calendar(cal: CalendarConfig, first_day: int, last_day: int) -> dict[int, tuple[float, float]]:
    """Map day index -> (occasion multiplier, activity boost) for lifted days in [first_day, last_day].

    Overlapping holidays take the larger multiplier and boost. Days not in the map are
    ordinary: multiplier 1, boost 0.
    """
    out: dict[int, tuple[float, float]] = {}
    d0 = day_to_date(cal.start_date, first_day)
    d1 = day_to_date(cal.start_date, last_day)
    for h in cal.holidays:
        anchors: list[dt.date] = [dt.date.fromisoformat(s) for s in h.dates]
        if h.month_day:
            m, d = (int(x) for x in h.month_day.split("-"))
            anchors += [dt.date(y, m, d) for y in range(d0.year - 1, d1.year + 2)]
        for a in anchors:
            for off in range(-h.days_before, h.days_after + 1):
                date = a + dt.timedelta(days=off)
                if d0 <= date <= d1:
                    day = (date - cal.start_date).days + 1
                    mult, boost = out.get(day, (1.0, 0.0))
                    out[day] = (max(mult, h.occasion_multiplier), max(boost, h.activity_boost))
    return out


def holiday_windows(cal: CalendarConfig, first_day: int, last_day: int) -> list[tuple[str, dt.date, dt.date]]:
    """Each holiday's lifted windows inside [first_day, last_day]: (holiday name, first date, last date)."""
    out = []
    for h in cal.holidays:
        days = sorted(build_calendar(cal.model_copy(update={"holidays": [h]}), first_day, last_day))
        runs: list[list[int]] = []
        for d in days:
            if runs and d == runs[-1][1] + 1:
                runs[-1][1] = d
            else:
                runs.append([d, d])
        out += [(h.name, day_to_date(cal.start_date, a), day_to_date(cal.start_date, b)) for a, b in runs]
    return out


def multipliers(cal_map: dict[int, tuple[float, float]], day: int) -> tuple[float, float]:
    """(occasion multiplier, activity boost) of a day."""
    return cal_map.get(day, (1.0, 0.0))


def occasion_series(cal_map: dict[int, tuple[float, float]], days: np.ndarray) -> np.ndarray:
    """Occasion multipliers for an array of day indices (for plots and tests)."""
    return np.array([multipliers(cal_map, int(d))[0] for d in days])
