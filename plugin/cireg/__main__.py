"""`python -m cireg` runs the command line."""

from cireg.cli import main

raise SystemExit(main())
