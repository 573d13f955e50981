"""The qualkit coding app. Start it with ``qualkit app PROJECT`` (which sets QUALKIT_PROJECT)."""

from qualkit.ui.st_app import main

main()
