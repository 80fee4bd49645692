"""conformcheck: regulatory conformity of French home-care service documents."""

__version__ = "0.1.0"
