"""Site search: records from the content model, cut into symbol tokens and written as the portal's own index.

Nothing here imports MkDocs; the adapter hands over records and a site directory.
"""
