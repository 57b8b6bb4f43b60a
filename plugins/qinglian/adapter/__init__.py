"""The MkDocs (and ProperDocs) side of the plugin: what ``plugin.py``'s event handlers hand their events to.

Each module turns the engine's objects (config, files, pages) into calls on the content
model, the views, search or ``incremental``, and their answers back into the engine's
objects. Nothing here decides content or reuse.
"""
