"""``python -m sim.scenario [--write|--check README]``: the README's format table."""

import sys

from sim.scenario.readme import main

sys.exit(main())
