"""Applications to challenges and their evaluation by buyers."""
