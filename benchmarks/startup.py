"""Start-up cost: ``import complaintflow`` against importing its four dependencies.

    python benchmarks/startup.py [--rounds 15]

Each round starts a fresh interpreter for each of the two imports, in
alternating order so both see the same machine load, and times the import
inside it.  Target (issue 15): the median of complaintflow's imports is at
most 1.5x the median of ``import pendulum, attrs, cattrs, transitions``.
Also shown: ``complaintflow --help`` as a whole process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

DEPENDENCIES = "import pendulum, attrs, cattrs, transitions"
OURS = "import complaintflow"
#: What a host pays once it uses the desk (every layer loads then).
DESK = "import complaintflow; complaintflow.ComplaintDesk"


def _import_time(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(out)


def _process_time(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    deps, ours, desk, cli = [], [], [], []
    for n in range(rounds):
        pair = [(deps, DEPENDENCIES), (ours, OURS)]
        for sink, statement in pair if n % 2 else reversed(pair):
            sink.append(_import_time(statement))
        desk.append(_import_time(DESK))
        cli.append(_process_time([sys.executable, "-m", "complaintflow.cli", "--help"]))
    d, o = statistics.median(deps), statistics.median(ours)
    print(f"{DEPENDENCIES:48} {d * 1000:8.1f} ms")
    print(f"{OURS:48} {o * 1000:8.1f} ms")
    print(f"{DESK:48} {statistics.median(desk) * 1000:8.1f} ms   (info)")
    print(f"{'complaintflow --help (whole process)':48} {statistics.median(cli) * 1000:8.1f} ms")
    print(f"ratio = {o / d:.2f}x   target <= 1.5x   {'PASS' if o / d <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
