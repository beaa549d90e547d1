"""Moderation: verification, suspension, hiding, reports and what the admin pages list."""
