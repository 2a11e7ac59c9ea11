"""Jinja2 templates of the statement documents (a package so that they ship with it)."""
