"""Domain errors: what went wrong, in the domain's words, with the field it concerns when there is one.

They carry no HTTP status and no wire format: each surface renders them in its own format in one place
(``shared.errors``). ``code`` is the machine code seed 004's error bodies carry.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every domain error: a machine code, a human message and, when known, the field concerned."""

    code = "INTERNAL-SERVER-ERROR"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidRequest(DomainError):
    """The request cannot be carried out as asked (a rule of the domain refuses it)."""

    code = "INVALID-REQUEST"


class InvalidField(InvalidRequest):
    """One named field is wrong; the message reads ``<field>: <reason>``. ``field`` is a dotted path
    (``slots.0.start``); ``location`` says which part of the request holds it (``body``, ``query``,
    ``path``), for surfaces whose error bodies locate fields."""

    field: str

    def __init__(self, field: str, reason: str, *, code: str | None = None, location: str = "body") -> None:
        super().__init__(f"{field}: {reason}", code=code, field=field)
        self.reason = reason
        self.location = location


class NotAuthenticated(DomainError):
    code = "NOT-AUTHORIZED"


class NotPermitted(DomainError):
    code = "ACCESS-DENIED"


class NotFound(DomainError):
    """Unknown — or someone else's: owned resources of other owners are reported as not found."""

    code = "NOT-FOUND"


class Conflict(DomainError):
    """The request collides with the current state (a window already reserved, a job not finished)."""

    code = "CONFLICT"


class TooLarge(DomainError):
    """The request's content exceeds a stated limit."""

    code = "PAYLOAD-TOO-LARGE"


class Unprocessable(DomainError):
    code = "UNPROCESSABLE-CONTENT"


class DependencyFailed(DomainError):
    """What the request depends on failed (a pipeline whose result is asked for failed)."""

    code = "FAILED-DEPENDENCY"


class Unavailable(DomainError):
    """Temporarily unable (storage busy or unreachable): the caller may retry."""

    code = "SERVICE-UNAVAILABLE"


class TooManyRequests(DomainError):
    """The caller went over a rate limit; it may retry after ``retry_after_s`` seconds."""

    code = "TOO-MANY-REQUESTS"

    def __init__(self, message: str, *, retry_after_s: float, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s
