"""leitai (擂台): competitive performance assessment of peer units."""

from __future__ import annotations

__version__ = "0.1.0"
