"""Audit: the append-only, hash-chained log of everything that changes who may do what."""
