"""Recommendations in the app: rebuild and refresh stored matches, the stored model, lists and feedback."""
