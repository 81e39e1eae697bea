"""Locations of the data files shipped with the package."""

from pathlib import Path

__all__ = ["DATA_DIR", "SAMPLES_DIR"]

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SAMPLES_DIR = DATA_DIR / "samples"
