"""Readings: open-source course reading lists."""

__version__ = "0.1.0"
