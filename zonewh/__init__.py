"""zonewh: the zone's monthly reporting warehouse."""

__version__ = "0.1.0"
