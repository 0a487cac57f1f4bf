"""Routing (SPEC §2.2, seed 001 §2.2): ordered rules send a ticket to a department,
an assignee and people to copy; ``router`` holds the :class:`Router`, ``rules`` the
declarative rule format hosts load from dicts, JSON or TOML.
"""

from complaintflow.routing.router import (
    Classified,
    Routable,
    Router,
    RoutingDecision,
    RoutingMode,
    RuleMatch,
    least_loaded,
    round_robin,
)
from complaintflow.routing.rules import RoutingFacts, RoutingRule, rule_from_dict

__all__ = [
    "Classified",
    "Routable",
    "Router",
    "RoutingDecision",
    "RoutingFacts",
    "RoutingMode",
    "RoutingRule",
    "RuleMatch",
    "least_loaded",
    "round_robin",
    "rule_from_dict",
]
