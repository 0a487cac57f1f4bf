"""Test helpers for hosts: the reference oracle and hypothesis strategies.

``from complaintflow.testing import strategies`` needs hypothesis (the
``testing`` extra); the root ``complaintflow`` package never imports it.
"""

from complaintflow.testing.oracle import ReferenceCalendar, same_instant

__all__ = ["ReferenceCalendar", "same_instant"]
