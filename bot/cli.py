"""The ``bizwatch`` command line: serve, chat, db, reports, nlu, advice.

Each domain owns its own Typer sub-app; this module only wires them together.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="bizwatch: report business crime and get prevention advice by chat and SMS.",
                  no_args_is_help=True, add_completion=False)

# --- sub-apps (one line each; each domain module defines `app = typer.Typer(...)`) ---
# (registered below main commands)


def main() -> None:
    """Console-script entry point."""
    app()
