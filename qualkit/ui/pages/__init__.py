"""One module per page; each has ``render()`` and checks the role itself."""
