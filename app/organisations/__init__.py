"""Organisation profile pages."""
