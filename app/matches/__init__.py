"""Ranked matches with reasons, feedback on them, and look-alike challenges."""
