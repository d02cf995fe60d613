"""A mock-interview coach for Platform Product Managers."""

__version__ = "0.1.0"
