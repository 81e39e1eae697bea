"""Files and links: HRIS import, CSV/GraphML export, the scenario JSON Schema, compact share links.

May import :mod:`salesops.model` only.
"""
