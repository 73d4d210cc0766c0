"""SQLAlchemy 2 mapping of the domain: tables, repositories, read-side queries, unit of work."""
