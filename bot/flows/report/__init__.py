"""The crime-report conversation: its flow, and its questions grouped by topic."""

from bot.flows.report.flow import ReportFlow

__all__ = ["ReportFlow"]
