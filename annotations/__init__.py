"""newsmark's UI-free core: corpus loading, anchoring, the annotation store, export/import.

Nothing in this package may import textual: the command line and the tests use it directly.
"""
