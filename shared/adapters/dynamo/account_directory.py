"""The ``AccountDirectory`` of the jobs (``shared.domain.jobs.ports``) over the SSA users in the ``identity``
table: read-only, through the users repository. A login token's subject is ``user-<id>``."""

from __future__ import annotations

from shared.adapters.dynamo.users import DynamoUserRepository, user_repository

MAX_USER_ID_DIGITS = 18  # larger ids were never handed out (and would not fit a DynamoDB number key)


class UserAccountDirectory:
    def __init__(self, users: DynamoUserRepository | None = None) -> None:
        self.users = users

    def email_of(self, subject: str) -> str | None:
        user_id = subject.removeprefix("user-")
        if not subject.startswith("user-") or not user_id.isdigit() or len(user_id) > MAX_USER_ID_DIGITS:
            return None
        user = (self.users or user_repository()).get_user(int(user_id))
        return user.email if user else None
