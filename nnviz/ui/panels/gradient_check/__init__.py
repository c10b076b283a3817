"""The gradient check panel (dock widget in panel.py)."""
