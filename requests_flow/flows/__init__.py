"""One flow module per right; each reads as its BPMN diagram. Shared nodes live in nodes.py."""

from requests_flow.flows.access import AccessFlow

FLOW_FOR_RIGHT = {
    "access": AccessFlow,
}

__all__ = ["FLOW_FOR_RIGHT", "AccessFlow"]
