"""The training panel (dock widget in panel.py)."""
