from tests.qt_hygiene import isolated_settings, qt_hygiene  # noqa: F401  (autouse fixtures)
