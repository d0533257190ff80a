from driftkl.cli import main
import sys

sys.exit(main())
