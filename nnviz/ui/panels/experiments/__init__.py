"""The experiments panel (dock widget in panel.py)."""
