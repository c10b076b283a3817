"""The cost surface panel (the panel widget in panel.py)."""
