"""conftest.py: lets `pytest --kiln fixtures/...` work from the top of the tree.

Owner: libkiln's Python side (docs/libkiln.md#pytest). It puts python/ on
the path and loads the Kiln plugin (python/kiln/pytest_plugin.py); pytest
reads this file first for any path under this directory.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python"))

pytest_plugins = ["kiln.pytest_plugin"]
