"""`python -m bot` is the same as the `bizwatch` command."""

from bot.cli import main

main()
