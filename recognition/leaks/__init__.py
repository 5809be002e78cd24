"""Leak tracing: the registry of template spaces (spaces.py)."""
