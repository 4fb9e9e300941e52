"""`python -m upstander.cli`: the same as the `upstander` command."""

from upstander.cli import main

main()
