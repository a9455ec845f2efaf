"""Exceptions with messages meant for the user: the CLI prints them as one line."""

from __future__ import annotations


class NewsmarkError(Exception):
    """Base class for every error newsmark reports to the user as a single line."""


class LibraryNotFoundError(NewsmarkError):
    """The article collection directory does not exist or is not a directory."""


class IndexNotWritableError(NewsmarkError):
    """The collection's index cannot be kept on disk (its cache directory is not writable)."""


class IndexChangingError(NewsmarkError):
    """Another process kept the collection's index half-written for too long (a search
    waited for the articles it re-indexed to get their ids back)."""


class UnknownArticleError(NewsmarkError):
    """No article (or more than one, for a prefix) matches the given id."""


class InvalidQueryError(NewsmarkError):
    """A search pattern could not be compiled."""


class QuoteNotFoundError(NewsmarkError):
    """The quote or offsets given for a new annotation do not match the article body."""


class StoreError(NewsmarkError):
    """The annotation database could not be read or written."""


class CorruptDatabaseError(StoreError):
    """The database file is not valid JSON or not a newsmark database; it is left untouched."""


class UnknownAnnotationError(NewsmarkError):
    """No annotation has the given id."""


class UnknownTagError(NewsmarkError):
    """No tag has the given name."""


class ImportFormatError(NewsmarkError):
    """A file given to `newsmark import` is not a newsmark json or W3C export."""


class StaleArticleError(NewsmarkError):
    """A passage was chosen on text that the article's file no longer holds."""
