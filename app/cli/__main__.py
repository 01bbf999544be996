"""`python -m app.cli`: the same as the `iop` command."""

from app.cli import main

main()
