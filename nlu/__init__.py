"""Language understanding for bizwatch: Rasa-format data, interpreters and UK entity extractors.

This package never imports ``bot``: it can be used (and tested) on its own.
"""
