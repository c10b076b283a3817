"""The Backprop panel (dock widget in panel.py): backpropagation step by step."""
