"""QML screens, theme and the Python view-models exposed to them."""
