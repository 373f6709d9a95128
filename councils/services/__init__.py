"""Council workflows that write across models, each in one transaction, by what
they act on: ``membership`` (joining, leaving, registering members without
internet), ``roster_import`` (a CSV of members), ``meetings`` (attendance,
actas, closing), ``constitution`` (requests for new councils), with
``permissions`` (who may lead a council, ``CouncilError``) and ``slugs`` (free
usernames and page slugs). The cadre pathway's are in ``councils.cadres.services``."""
