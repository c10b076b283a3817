"""The cost and accuracy curves on their own (panel.py), for the Landscape workspace."""
