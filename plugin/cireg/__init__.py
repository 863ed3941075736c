"""cireg: a continual improvement register kept as code."""

__version__ = "0.1.0"
