"""The crime alerts conversation: sign up, show, change, pause and stop alerts; the SMS YES that confirms them."""

from bot.flows.alerts.flow import AlertsFlow, wants_alerts

__all__ = ["AlertsFlow", "wants_alerts"]
