"""The validation floor: compose every `.yaml` file of a folder with PyYAML's C parser, and
nothing else. The least any YAML-based validator must do on the same files.

    python benchmarks/floor_compose.py FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    yaml.compose(path.read_bytes(), Loader=yaml.CSafeLoader)
