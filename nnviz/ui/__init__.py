"""The desktop app: ``app.run_app()`` opens :class:`main_window.MainWindow`; its workspaces
(:mod:`workspaces`) show the panels of :data:`panels.PANELS`."""
