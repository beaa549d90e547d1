"""Digest settings, one-click unsubscribe, saved challenges, and the admin outbox and digest preview pages."""
