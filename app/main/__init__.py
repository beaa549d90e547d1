"""Home page and the signed-in dashboard."""
