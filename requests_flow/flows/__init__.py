"""One flow module per right; each reads as its BPMN diagram. Shared nodes live in shared.py
(intake, identity, approval, deadline watch) and steps.py (execution, AVG 19, per-item draft)."""

from requests_flow.flows.access import AccessFlow
from requests_flow.flows.erasure import ErasureFlow
from requests_flow.flows.objection import ObjectionFlow
from requests_flow.flows.portability import PortabilityFlow
from requests_flow.flows.rectification import RectificationFlow
from requests_flow.flows.restriction import RestrictionFlow

FLOW_FOR_RIGHT = {
    "access": AccessFlow,
    "rectification": RectificationFlow,
    "erasure": ErasureFlow,
    "restriction": RestrictionFlow,
    "objection": ObjectionFlow,
    "portability": PortabilityFlow,
}

__all__ = [
    "FLOW_FOR_RIGHT",
    "AccessFlow",
    "ErasureFlow",
    "ObjectionFlow",
    "PortabilityFlow",
    "RectificationFlow",
    "RestrictionFlow",
]
