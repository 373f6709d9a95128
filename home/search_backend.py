"""The search backend (``WAGTAILSEARCH_BACKENDS``): Wagtail's database backend,
with what someone types in a search box tamed before it becomes a query.

- Each word becomes a term of a query nested one level deeper than the last:
  a long text pasted into any admin search (a thousand words) exceeded
  Python's recursion limit, an error 500. Only the first words count.
- On SQLite (the embedded mode) each word is put between double quotes in the
  full-text query without escaping the quotes inside it: searching
  ``"Santa Cecilia"`` or ``"; DROP TABLE`` broke the query (answered 503).
  Double quotes are taken out of the words.
- Each word also finds the other forms of it: "asambleas" finds "asamblea",
  "cooperativas" finds "cooperativa". A word is searched as the start of a
  word, cut to its Spanish stem (Snowball's, from ``snowballstemmer``:
  home/search_words.py): "asambleas" as ``asambl*``, "asamblea" as
  ``asamble*``. Stemming both the index and the query, as PostgreSQL's
  'spanish' configuration (``SEARCH_CONFIG``) does, is not enough: Snowball
  stems "asamblea" to "asamble" and "asambleas" to "asambl", so one missed the
  other. SQLite's index has no Spanish at all (home/search_sqlite.py);
  PostgreSQL keeps its stemmed index and gets the prefix
  (home/search_postgres.py).
"""

from functools import cache

from django.db import connection
from wagtail.search.backends.database import SearchBackend as database_backend
from wagtail.search.query import Phrase, PlainText

MAX_WORDS = 32


def tame(text):
    return " ".join(text.replace('"', " ").split()[:MAX_WORDS])


class TamedQueryMixin:
    def __init__(self, queryset, query, *args, **kwargs):
        if isinstance(query, str):
            query = tame(query)
        elif isinstance(query, PlainText):
            query = PlainText(
                tame(query.query_string), operator=query.operator, boost=query.boost
            )
        elif isinstance(query, Phrase):
            query = Phrase(tame(query.query_string))
        super().__init__(queryset, query, *args, **kwargs)


@cache
def tamed(compiler_class, *mixins):
    return type(
        f"Tamed{compiler_class.__name__}",
        (TamedQueryMixin, *mixins, compiler_class),
        {},
    )


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    backend = database_backend(params)
    forms = ()
    if connection.vendor == "sqlite":
        # Optional: Wagtail's SQLite modules load models that exist only there.
        from .search_sqlite import SpanishFormsMixin, uses_full_text

        if uses_full_text(backend):
            forms = (SpanishFormsMixin,)
    elif connection.vendor == "postgresql":
        from .search_postgres import SpanishFormsMixin

        forms = (SpanishFormsMixin,)
    backend.query_compiler_class = tamed(backend.query_compiler_class, *forms)
    backend.autocomplete_query_compiler_class = tamed(
        backend.autocomplete_query_compiler_class
    )
    return backend
