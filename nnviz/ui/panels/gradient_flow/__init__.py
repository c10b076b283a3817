"""The gradient flow panel (the panel widget in panel.py)."""
