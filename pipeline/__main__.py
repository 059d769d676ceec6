"""`python -m pipeline` is the `vanban` command."""
from pipeline.cli import main

main()
