"""The network panel (the panel widget in panel.py)."""
