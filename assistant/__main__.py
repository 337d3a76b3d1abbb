"""``python -m assistant``."""

import sys

from assistant import _offline  # noqa: F401
from assistant.cli import main

sys.exit(main())
