"""Loading and validating editors' content. Nothing here imports MkDocs."""
