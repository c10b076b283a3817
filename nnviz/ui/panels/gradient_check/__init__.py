"""The gradient check panel (the panel widget in panel.py)."""
