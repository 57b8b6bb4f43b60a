"""Qinglian: clean-governance education portals on MkDocs and Material.

The content model (``qinglian.content``, ``qinglian.structure``, ``qinglian.views``)
does not import MkDocs; ``qinglian.incremental`` decides what a build reuses, and
``qinglian.plugin`` (with ``qinglian.adapter`` and ``qinglian.config``) adapts both to MkDocs and ProperDocs.
"""

__version__ = "0.1.0"
