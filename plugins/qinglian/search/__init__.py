"""Site search: records from the content model, indexed with Pagefind in bounded shards.

Nothing here imports MkDocs; the adapter hands over records and a site directory.
"""
