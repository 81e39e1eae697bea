"""Locations of the data files shipped with the package."""

from pathlib import Path

__all__ = ["DATA_DIR", "SAMPLES_DIR"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SAMPLES_DIR = DATA_DIR / "samples"
