"""Settings for all three programs: dataclasses, and one loader (defaults <- TOML <- env <- CLI)."""
