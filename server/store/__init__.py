"""The store: the only place with SQL. A module per kind of record; ``database`` owns engines and locking."""
