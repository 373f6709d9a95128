"""The nearest peer, wagtail-lms, as a minimal Wagtail project for
``manage.py bench_pages``: its own models and templates, installed from PyPI
(``bench/peer-requirements.txt``) into ``.bench-peer/venv`` and run there by
``bench/peer.py``. Nothing here is imported by the COCOCI site."""
