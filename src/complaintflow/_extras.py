"""Optional dependencies: a missing one is named with the extra that installs it.

A bare ``ModuleNotFoundError: No module named 'hypothesis'`` leaves a user
guessing which of our extras brings it; every module that needs an
optional package imports it inside :func:`needs_extra`, which turns that
error into a :class:`~complaintflow.errors.MissingExtraError` saying
``pip install 'complaintflow[testing]'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from complaintflow.errors import MissingExtraError

__all__ = ["EXTRAS", "needs_extra"]

#: Top-level modules of the optional packages, and the extra that installs each.
EXTRAS: dict[str, str] = {
    "hypothesis": "testing",
    "pytest": "testing",
    "psycopg": "postgres",
    "psycopg_pool": "postgres",
    "ahocorasick": "fast",
    "holidays": "holidays",
    "chinese_calendar": "cn",
    "sqlalchemy": "sqlalchemy",
    "sklearn": "ml",
    "numpy": "ml",
    "celery": "celery",
}


@contextmanager
def needs_extra(extra: str, module: str) -> Iterator[None]:
    """Imports inside this block that fail for want of ``extra`` name it.

    ``module`` is the importing module's name, for the message.  A missing
    module that no extra provides is re-raised as it is: that is a bug or
    a broken install, not a choice the user made.
    """
    try:
        yield
    except ModuleNotFoundError as error:
        missing = (error.name or "").partition(".")[0]
        if EXTRAS.get(missing) != extra:
            raise
        raise MissingExtraError(module, missing, extra) from error
