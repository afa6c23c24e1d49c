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
