"""The builder panel (the panel widget in panel.py)."""
