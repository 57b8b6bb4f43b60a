"""Data objects of the content model. Nothing here imports MkDocs."""
