"""Sessions in the database, as Django keeps them, without a look-up before each new key.

Every sign-in and every LTI launch makes a new session key. Django's database
store first asks whether a random key is taken, then inserts it; the insert
already refuses a taken key and Django then tries another, so the question is
one query per sign-in that never changes the outcome.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        # 32 characters of 36 (165 bits); create() retries if the insert meets a taken key.
        return get_random_string(32, VALID_KEY_CHARS)
