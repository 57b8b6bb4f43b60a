"""Turn the corpus into page sources (Markdown with HTML blocks). Nothing here imports MkDocs."""
