"""Revised regulations: the old and new text aligned article by article (新旧条文对照), and where a cited article went."""
