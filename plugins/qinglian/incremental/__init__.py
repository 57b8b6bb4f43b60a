"""Everything that lets a build reuse an earlier one, behind ``IncrementalBuild``.

- ``build``: ``IncrementalBuild``, the object an engine adapter calls, and ``CacheFolders``.
- ``memo``: documents as read from their files, kept between builds.
- ``quick_reload``, ``preview``: a preview rebuild after text edits takes over the last build.
- ``page_cache``, ``reuse``: rendered bodies and finished pages, and which pages reuse them.
- ``kept_site``: a preview's site folder keeps the files that come out the same.
- ``fragment_cache``: template output many pages share, rendered once per build.
- ``linked_release``: a publish links the live release's unchanged pages instead of writing them.
- ``engine_pages``, ``engine_workers``, ``watcher``: the engine side (MkDocs and ProperDocs page
  objects, workers that render pages through the engine's events, the preview server's file
  events); only these import the engine.

Nothing outside this package decides whether a document is read again or a page reused.
"""

from __future__ import annotations

from .build import IncrementalBuild
from .folders import CacheFolders

__all__ = ["CacheFolders", "IncrementalBuild"]
