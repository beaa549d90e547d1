"""Solutions: public list and detail, and the innovator's editor."""
