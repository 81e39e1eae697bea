"""Insights: org analytics and health rules, peer benchmarks, objectives and KPIs, comparison of scenarios.

May import :mod:`salesops.model` only.
"""
