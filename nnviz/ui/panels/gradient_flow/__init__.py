"""The gradient flow panel (dock widget in panel.py)."""
