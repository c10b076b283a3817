"""The experiments panel (the panel widget in panel.py)."""
