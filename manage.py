#!/usr/bin/env python
"""Same as the ``manabi`` console script, for those used to ``python manage.py``."""

from manabi.cli import main

if __name__ == "__main__":
    main()
