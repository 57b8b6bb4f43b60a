"""Turning Word and text originals into documents, and starting new ones from templates."""
