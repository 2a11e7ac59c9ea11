"""The Impact Statement for Business conversation: its flow, and its questions grouped by topic."""

from bot.flows.impact.flow import ImpactFlow
from bot.flows.impact.opening import OFFER, asks_for_impact_statement

__all__ = ["ImpactFlow", "OFFER", "asks_for_impact_statement"]
