"""Test-suite settings.

Under CI (the environment variable CI is set) hypothesis runs derandomized: the same
examples every time, so a red build is reproducible and never a coin flip. Locally it
explores new examples on every run; a failure prints the example to replay.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# `sim schema` keeps a cache file (sim.cli.scenarios.schema_text): the suite keeps its own,
# away from the user's cache folder
if not os.environ.get("SIM_CACHE_DIR"):
    import tempfile

    os.environ["SIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="sim-test-cache-")
