"""The training panel (the panel widget in panel.py)."""
