"""kg: knowledge graphs of arms transfers from French news articles."""

__version__ = "0.1.0"
