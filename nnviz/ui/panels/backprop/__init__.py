"""The Backprop panel (the panel widget in panel.py): backpropagation step by step."""
