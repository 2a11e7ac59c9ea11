"""Delivery: the outbox every message goes through, and the workers that send it."""
