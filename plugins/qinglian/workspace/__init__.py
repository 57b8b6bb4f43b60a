"""The editors' workspace: ``qinglian edit`` serves Decap CMS over the project's content.

Every save is checked like ``qinglian check`` before it is committed to git; accounts, sessions
and the review workflow (审核、签发) live here, apart from the build.
"""
