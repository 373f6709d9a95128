"""PostgreSQL's full-text search finding the forms of a Spanish word (see
home/search_backend.py). Its 'spanish' configuration stems the index and the
query, but Snowball stems "asamblea" to "asamble" and "asambleas" to
"asambl", so one missed the other: each word is searched as the start of a
word, cut to its stem (``asambl:*``), as on SQLite."""

import re

from django.contrib.postgres.search import SearchQuery
from modelsearch.backends.database.postgres.query import Lexeme
from wagtail.search.query import PlainText

from .search_words import prefix_stem


def word_forms(word, invert):
    stem = prefix_stem(word)
    if stem is None:
        return Lexeme(word, invert=invert)
    return Lexeme(stem, invert=invert, prefix=True)


class SpanishFormsMixin:
    """PostgreSQL's compiler, with each word of a plain search matching its
    forms; the words are split and joined as Wagtail does."""

    def build_tsquery_content(self, query, config=None, invert=False):
        if not isinstance(query, PlainText):
            return super().build_tsquery_content(query, config=config, invert=invert)
        words = [word for word in re.split(r"[\s\-]+", query.query_string) if word]
        if not words:
            return None
        lexemes = word_forms(words[0], invert)
        for word in words[1:]:
            if query.operator == "and":
                lexemes &= word_forms(word, invert)
            else:
                lexemes |= word_forms(word, invert)
        return SearchQuery(lexemes, search_type="raw", config=config)
