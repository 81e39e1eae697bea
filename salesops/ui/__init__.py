"""Streamlit glue: session state (current scenario, undo/redo) and shared widgets.

The only Streamlit code outside ``pages/``.
"""
