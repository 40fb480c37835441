"""eventwire persistence: SQLModel tables, engine, repository, read queries, migrations.

Nothing here knows about spaCy or Dramatiq: the worker hands plain records in, the dashboard
and the CLI read aggregates out.
"""
