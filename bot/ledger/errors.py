"""Errors a ledger call raises for a request that is wrong in itself. Nothing is written."""


class LedgerError(Exception):
    """A request the ledger refuses to record at all."""


class InvalidAmount(LedgerError):
    """The amount is not a positive whole number of cents within the transfer limit."""


class InvalidKey(LedgerError):
    """The idempotency key is missing, too long or not printable."""


class InvalidReference(LedgerError):
    """A memo value is too long or of the wrong type."""


class UnknownAccount(LedgerError):
    """No account has that id."""


class WrongAccountKind(LedgerError):
    """The account exists but cannot take part in this kind of transfer."""


class UnknownTransfer(LedgerError):
    """No transfer with that id can take part in this operation."""


class IdempotencyConflict(LedgerError):
    """The key was used before for a different request."""
