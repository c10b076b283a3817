"""The activations panel (dock widget in panel.py)."""
