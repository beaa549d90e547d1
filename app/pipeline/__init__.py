"""The published pipeline (early demand map) blueprint."""
