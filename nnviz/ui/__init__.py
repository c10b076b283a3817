"""The desktop app: ``app.run_app()`` opens :class:`main_window.MainWindow`; each dock is a
panel from :data:`panels.PANELS`."""
