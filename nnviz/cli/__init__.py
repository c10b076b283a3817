"""The ``nnviz`` command: ``main.py`` dispatches, ``args.py`` parses, ``train.py`` and
``check.py`` run the headless commands. No module here imports Qt except to launch the app."""
