"""Entry point of ``python -m salesops``; see :mod:`salesops.cli`."""

from salesops.cli import main

raise SystemExit(main())
