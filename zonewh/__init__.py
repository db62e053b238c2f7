"""zonewh: the zone's monthly reporting warehouse (docs/DESIGN.md is the map)."""

from . import telemetry

__version__ = "0.1.0"

telemetry.disable()
