"""The clock behind every date rule, so tests can set the day."""
import datetime as dt
from zoneinfo import ZoneInfo

#: France's (metropolitan) time, summer time included: the time declarants and staff live in
PARIS = ZoneInfo("Europe/Paris")


class SystemClock:
    def now(self) -> dt.datetime:
        """Current UTC time, naive (the database stores naive UTC)."""
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def today(self) -> dt.date:
        """Today in France, which is what « pas dans le futur » means to a declarant."""
        return dt.datetime.now(PARIS).date()


class FixedClock(SystemClock):
    def __init__(self, now: dt.datetime):
        self.current = now

    def now(self) -> dt.datetime:
        return self.current

    def today(self) -> dt.date:
        return self.current.replace(tzinfo=dt.UTC).astimezone(PARIS).date()

    def advance(self, **delta) -> None:
        self.current += dt.timedelta(**delta)


def get_clock(request) -> SystemClock:
    return request.registry["clock"]


def includeme(config):
    config.registry["clock"] = SystemClock()
    config.add_request_method(get_clock, "clock", reify=True)
