"""The ``complaintflow`` command: demo, diagram.

Exit codes a shell user expects: 0 success, 1 a refused operation (the
message says why), 2 a usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from complaintflow.errors import ComplaintflowError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from complaintflow.audit import render_table
    from complaintflow.demo import run_story
    from complaintflow.storage import InMemoryStore

    store = InMemoryStore()
    ticket = run_story(store)
    print(f"Ticket {ticket.number}: {ticket.kind} / {ticket.category} / {ticket.priority}, "
          f"{ticket.status} after {ticket.version} versions\n")
    print(render_table(store.events(ticket.id), zone="Asia/Shanghai"))
    return 0


def _diagram(args: argparse.Namespace) -> int:
    from complaintflow.diagram import mermaid

    print(mermaid(), end="")
    return 0


def _parser() -> argparse.ArgumentParser:
    from complaintflow import __version__

    parser = argparse.ArgumentParser(
        prog="complaintflow",
        description="Customer complaints and feedback, from intake to closing.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="run the duplicate-charge story and print its audit trail")
    demo.set_defaults(run=_demo)
    diagram = sub.add_parser("diagram", help="print the ticket lifecycle as Mermaid text")
    diagram.set_defaults(run=_diagram)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except ComplaintflowError as error:
        print(f"complaintflow: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `complaintflow diagram | head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
