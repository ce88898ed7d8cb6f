"""One flow module per right; each reads as its BPMN diagram. Shared nodes live in shared.py
(intake, identity, approval, deadline watch) and steps.py (execution, AVG 19, per-item draft)."""

from requests_flow.flows.access import AccessFlow
from requests_flow.flows.rectification import RectificationFlow

FLOW_FOR_RIGHT = {
    "access": AccessFlow,
    "rectification": RectificationFlow,
}

__all__ = ["FLOW_FOR_RIGHT", "AccessFlow", "RectificationFlow"]
