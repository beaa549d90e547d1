"""Use cases as verbs; each public call is one transaction and raises errors from app.services.errors."""
