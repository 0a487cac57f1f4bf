"""Single-bug copies of :class:`InMemoryStore`: does the conformance suite catch them?

Each mutant is the reference store's own source with one plausible bug
written in (a lost event, a wall-clock instant, a race window, a tenant
leak, ...), compiled as a separate class, so the reference the state
machine compares with stays correct.  ``python -m
complaintflow.testing.storage_mutants`` runs the suite against every
mutant at the ``ci`` hypothesis profile (300 examples, no example
database) and prints which ones it caught; ``--only NAME`` runs some.

A mutant whose text no longer matches the reference source is reported
as broken, never as caught: update it with the reference.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

from complaintflow.storage import memory
from complaintflow.testing.storage_mutant_list import MUTANTS

__all__ = ["MUTANTS", "build", "main"]

_PRELUDE = '''
import time as _time
from complaintflow.storage.encoding import (
    event_from_dict as _event_from_dict, event_to_dict as _event_to_dict,
    ticket_from_dict as _ticket_from_dict, ticket_to_dict as _ticket_to_dict)


def _pause():
    _time.sleep(0.002)


def _wall(value, field="instant"):
    """What a naive DATETIME column keeps: the local wall-clock reading, as if UTC."""
    micros(value, field)  # still refuses naive datetimes
    return micros(value.replace(tzinfo=dt.UTC), field)


def _utc(data):
    if isinstance(data, dict):
        if "utc" in data and ("zone" in data or "offset" in data):
            return {"utc": data["utc"], "zone": "UTC"}
        return {key: _utc(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_utc(value) for value in data]
    return data


def _zoneless(ticket):
    return _ticket_from_dict(_utc(_ticket_to_dict(ticket)))


def _zoneless_events(events):
    return [_event_from_dict(_utc(_event_to_dict(event))) for event in events]
'''


def build(name: str) -> type[Any]:
    """The mutant store class ``name`` (a subclass-free copy of InMemoryStore)."""
    source = inspect.getsource(memory)
    for old, new in MUTANTS[name][1]:
        if old not in source:
            raise LookupError(f"mutant {name}: {old!r} is not in the reference source")
        source = source.replace(old, new)
    module = types.ModuleType(f"complaintflow.storage._mutant_{name}")
    module.__file__ = f"<mutant {name}>"
    sys.modules[module.__name__] = module
    exec(compile(source + _PRELUDE, module.__file__, "exec"), module.__dict__)
    store: type[Any] = module.InMemoryStore
    return store


_CONFTEST = """
from hypothesis import HealthCheck, settings
settings.register_profile("ci", max_examples=300, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile("ci")
"""

_TEST = """
import pytest
from complaintflow.testing.storage import StoreConformance
from complaintflow.testing.storage_mutants import build


class TestMutant(StoreConformance):
    supports_claim_due = True  # what the suite before the kit asked
    cannot_inject_failures = True  # dict updates under a lock cannot fail half way

    @pytest.fixture
    def make_store(self):
        return build({name!r})().for_tenant
"""


def _caught(name: str, timeout: float) -> tuple[bool, str]:
    """Run the suite on mutant ``name``; (caught, the first failing test or why)."""
    with tempfile.TemporaryDirectory(prefix="cf-mutant-") as tmp:
        folder = Path(tmp)
        (folder / "conftest.py").write_text(_CONFTEST)
        (folder / "test_mutant.py").write_text(_TEST.format(name=name))
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--rootdir",
            tmp,
            "-c",
            os.devnull,
            "-W",
            "ignore",
            str(folder / "test_mutant.py"),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, cwd=tmp, check=False
            )
        except subprocess.TimeoutExpired:
            return True, "timed out (a hang counts as caught)"
    if done.returncode == 0:
        return False, "survived"
    if done.returncode != 1:
        raise RuntimeError(
            f"mutant {name}: pytest exited {done.returncode}\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    return True, failed[0].split("::")[-1][:90] if failed else "failed"


def main(argv: list[str] | None = None) -> int:
    """Run the suite against every mutant (or ``--only A,B``); print the score."""
    args = sys.argv[1:] if argv is None else argv
    names = list(MUTANTS)
    if "--only" in args:
        names = args[args.index("--only") + 1].split(",")
    for name in names:
        build(name)  # a stale mutant fails here, before minutes of testing
    caught = 0
    for name in names:
        hit, why = _caught(name, timeout=600)
        caught += hit
        print(f"{'caught  ' if hit else 'SURVIVED'} {name:32} {why}", flush=True)
    print(
        f"mutation score: {caught}/{len(names)} caught "
        f"({100 * caught / max(len(names), 1):.0f} %) at the ci profile"
    )
    return 0 if caught == len(names) else 1


if __name__ == "__main__":
    raise SystemExit(main())
