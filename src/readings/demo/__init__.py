"""A sample institution for trying Readings, built only through the services.

``build.build_demo()`` creates Northfield University (code ``DEMO``): departments,
terms, courses, people of every role and reading lists full of real-looking
citations. It is deterministic and idempotent; ``readings demo`` runs it.
"""
