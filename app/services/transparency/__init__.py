"""Open data and public figures: OCDS, CSV exports, statistics and the public pilots register."""
