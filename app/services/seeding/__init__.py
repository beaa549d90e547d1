"""Demo data loaded through the same services users go through."""
