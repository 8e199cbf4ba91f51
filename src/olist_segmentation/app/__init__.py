"""The marketing app: segments, look-up, what-if and export over one served run."""
