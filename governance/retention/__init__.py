"""Retention: what the law caps, what operators declare, and when an item must go."""
