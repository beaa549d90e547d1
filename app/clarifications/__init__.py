"""Clarifications of a challenge: questions and anonymised answers, notices (amendments)."""
