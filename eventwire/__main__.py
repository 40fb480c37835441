"""``python -m eventwire``: the same as the ``eventwire`` script."""

from __future__ import annotations

import sys

from eventwire import main

sys.exit(main())
