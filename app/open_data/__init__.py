"""Public transparency: open-data downloads (OCDS, CSV) and the statistics page."""
