"""``python -m qualkit``: the same as the ``qualkit`` command."""

from qualkit.cli import main

main()
