"""Prevention advice articles, message templates and campaign presets (data, not code).

Shipped as package data so an installed bizwatch finds them with importlib.resources.
"""
