"""Cross-cutting web pieces: setup, rendering, permissions plumbing, i18n, errors, home."""
