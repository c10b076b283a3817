"""The cost surface panel (dock widget in panel.py)."""
