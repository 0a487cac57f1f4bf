"""Business time: calendars, holiday sources.

``import complaintflow.sla`` pulls in no optional dependency: the adapters
for the ``holidays`` and ``chinesecalendar`` packages import them only when
they are used.
"""

from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.holidays import (
    ChineseCalendarSource,
    HolidayData,
    HolidaySource,
    PythonHolidaysSource,
    StaticHolidays,
    calendar_from_source,
    china_office,
)

__all__ = [
    "BusinessCalendar",
    "ChineseCalendarSource",
    "HolidayData",
    "HolidaySource",
    "PythonHolidaysSource",
    "StaticHolidays",
    "calendar_from_source",
    "china_office",
]
