"""Buyer groups: co-owners and observers of a joint challenge (invite, accept, remove)."""
