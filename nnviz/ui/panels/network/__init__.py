"""The network panel (dock widget in panel.py)."""
