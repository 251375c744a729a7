"""kubectl-compatible REST front door over the in-process API server (``server.py``).

Nothing is imported here, so a headless run that never serves HTTP does not load aiohttp.
"""
