"""drops package."""
