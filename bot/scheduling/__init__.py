"""The project's one scheduler: APScheduler in exactly one process, waking jobs that live in our tables.

- ``jobs``: the module-level job functions (plain arguments only) and the list of what runs when.
- ``lease``: a database lease that elects the one process allowed to run them.
- ``runner``: ``ElectedScheduler``, which every ``bizwatch serve`` starts; only the lease holder
  actually runs the jobs, and another process takes over if it dies.

Rules for every job (see DESIGN.md): timezone Europe/London, an explicit id with
``replace_existing=True``, a deliberate ``misfire_grace_time``, and never a wall-clock time between
01:00 and 02:00 (the hour that happens twice or not at all when the clocks change).
"""
