"""Platform administration: verification, suspension, hiding items, reports and the audit log."""
