"""``python -m bot`` runs the ``errcode`` command."""

from .cli import main

main()
