"""`python -m kg.export ARGS` runs `kg export ARGS`."""

import sys

from kg.export.command import main

sys.exit(main())
