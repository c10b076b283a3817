"""The activations panel (the panel widget in panel.py)."""
