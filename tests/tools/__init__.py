"""Scripts that drive the real map page (not tests)."""
