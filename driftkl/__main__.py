"""Run the CLI: ``python -m driftkl``."""

import sys

try:
    from driftkl.cli import main
except KeyboardInterrupt:  # Ctrl-C while the CLI is still being imported: as cli.main does
    sys.stderr.write("driftkl: interrupted\n")
    sys.exit(130)

sys.exit(main())
