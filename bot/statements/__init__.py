"""Statements for court: the Impact Statement for Business and the MG11 draft witness statement.

What a statement is made of (``sections``, ``wording``), the rules it keeps (``opinions``: no view
on sentence; ``service``: once declared it never changes), and its documents (``documents`` builds
what the Jinja2 templates show, ``render`` turns them into HTML and PDF, ``cli`` prints them).
"""
