"""Formación de cuadros, the cadre pathway: what each role requires
(``requirements``, ``models``), readiness computed from a member's record
(``readiness``) and its stored summaries (``progress``), mentors, endorsement,
ready notices and digests (``services``, ``mentor_views``, ``mentor_urls``),
the leaders' dashboard and its exports (``dashboard``, ``dashboard_views``) and
the pathway's Celery tasks (``tasks``). Same Django app: ``councils``."""
