"""The publication tests share the contract-shaped warehouse of tests/zonewh/gate_marts.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
