"""Procurement: applications, evaluation by criteria, awards and the pilot lifecycle."""
