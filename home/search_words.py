"""What a searched word becomes so that it finds the other forms of it: the
start of a word, cut to its Spanish stem (Snowball's, from
``snowballstemmer``). Used by both full-text backends (home/search_backend.py):
"asambleas" and "asamblea" are searched as ``asambl*`` and ``asamble*``, and
each finds both."""

import re

import snowballstemmer

# A stem this short would start too many other words ("me" of "mes"): such a
# word is searched as it is typed.
MIN_STEM = 3
WORD = re.compile(r"\w", re.UNICODE)
spanish = snowballstemmer.stemmer("spanish")


def prefix_stem(word):
    """The stem to search ``word`` by as the start of a word, or None to
    search it as typed."""
    if not WORD.search(word):
        return None
    stem = spanish.stemWord(word.lower())
    return stem if len(stem) >= MIN_STEM else None
