"""``python -m bot`` runs the ``errcode`` command."""

from bot.cli import main

main()
