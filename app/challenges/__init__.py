"""Challenge statements: public list and detail, and the buyer's editor."""
