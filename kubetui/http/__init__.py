"""kubectl-compatible REST front door over the in-process API server (``server.py``).

Nothing is imported here: the schema modules (``openapi.py``, ``strict.py``) serve the API server too, and
must not pull in the HTTP stack (aiohttp) with them.
"""
