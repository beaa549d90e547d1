"""Pilot purchases: award, tracking, evaluation, and the public register."""
