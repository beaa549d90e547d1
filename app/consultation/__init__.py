"""Market consultation (Phase 0) blueprint."""
