"""Run the CLI: ``python -m driftkl``."""

import sys

from driftkl.cli import main

sys.exit(main())
