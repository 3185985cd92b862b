"""Parameter scans (placeholder during development)."""
