"""The builder panel (dock widget in panel.py)."""
