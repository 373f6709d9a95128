"""SQLite's full-text search finding the forms of a Spanish word (see
home/search_backend.py, which uses it on SQLite only)."""

import operator
from functools import reduce

from wagtail.search.backends.database.sqlite.query import (
    Lexeme,
    SearchQueryExpression,
)
from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend
from wagtail.search.query import PlainText

from .search_words import prefix_stem


def word_forms(word):
    """The full-text term for ``word``: any word that starts with its stem."""
    stem = prefix_stem(word)
    return Lexeme(word) if stem is None else Lexeme(stem, prefix=True)


class SpanishFormsMixin:
    """SQLite's compiler, with each word of a plain search matching its forms."""

    def build_search_query_content(self, query, config=None):
        if not isinstance(query, PlainText):
            return super().build_search_query_content(query, config=config)
        terms = [word_forms(word) for word in query.query_string.split()]
        if not terms:
            return None
        combine = operator.and_ if query.operator.upper() == "AND" else operator.or_
        return SearchQueryExpression(reduce(combine, terms), config=config)


def uses_full_text(backend):
    """Whether ``backend`` is SQLite's full-text one (not the plain fallback
    Wagtail uses where SQLite has no FTS5)."""
    return isinstance(backend, SQLiteSearchBackend)
