"""Digests: who is due, what is new for them, preferences and one-click unsubscribe."""
