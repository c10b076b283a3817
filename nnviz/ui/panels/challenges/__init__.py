"""The Challenges panel (goals checked live from the run) and its status-bar badge."""
