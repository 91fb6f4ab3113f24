"""``python -m lifecycle``: the same as the ``lifecycle`` command."""

import sys

from .cli import main

sys.exit(main())
