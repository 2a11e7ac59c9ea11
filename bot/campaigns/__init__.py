"""Crime alerts and campaigns: subscriptions and their vocabulary and audiences; what coordinators send
to subscribers, and when.

- ``vocabulary`` / ``subscriptions``: topics and areas; signing up, consent, who receives, audiences.
- ``templates``: the message texts, Jinja2 in a sandbox, checked before saving.
- ``schedule``: once, weekly and daily rules (RFC 5545 via python-dateutil) and their times.
- ``audience`` / ``fanout``: who a send reaches at send time, and queuing it in the outbox.
- ``lifecycle``: draft, submitted, approved (by a second person), scheduled, sending, sent, cancelled.
- ``wake``: what the scheduler job does each minute; ``report`` / ``preview``: figures for the lead.
- ``presets``: seasonal campaigns in ``advice_content/campaigns/`` that a lead copies and edits.
- ``cli`` / ``subscribers_cli``: ``bizwatch campaigns ...``, ``bizwatch alerts send``, ``bizwatch subscribers``.
"""
