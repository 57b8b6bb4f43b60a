"""Qinglian: clean-governance education portals on MkDocs and Material.

The content model (``qinglian.content``, ``qinglian.structure``, ``qinglian.views``)
does not import MkDocs; ``qinglian.plugin`` and ``qinglian.config`` adapt it to MkDocs.
"""

__version__ = "0.1.0"
