"""Errors from a learnchain node, as Python exceptions carrying the node's one-line message."""

import grpc


class LearnchainError(Exception):
    """A call the node refused or could not answer.

    `message` is the node's own description (for a bad CSV it names the file, line and column);
    `code` is the gRPC status code.
    """

    def __init__(self, message: str, code: grpc.StatusCode | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidArgument(LearnchainError):
    """Bad input: a malformed CSV or IDX file, a bad id, inputs that do not fit the problem."""


class Unauthenticated(LearnchainError):
    """The call needs the node's API token and the one given is missing or wrong."""


class NotFound(LearnchainError):
    """Neither the chain nor the node's pool knows the problem (or block, or account)."""


class TooLarge(LearnchainError):
    """The upload or message exceeds a limit of the node or of gRPC."""


class FailedPrecondition(LearnchainError):
    """The node's state refuses the call: not solved yet, not a submitter, balance, pool."""


class Unavailable(LearnchainError):
    """The node cannot be reached or is stopping."""


class ProblemFailed(LearnchainError):
    """The problem closed without a model: wasted (no reveal) or expired."""


class ModelHashMismatch(LearnchainError):
    """The downloaded model's SHA-256 is not the model hash on chain."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.RESOURCE_EXHAUSTED: TooLarge,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
}


def from_rpc(e: grpc.RpcError) -> LearnchainError:
    """The exception for a failed gRPC call, with the node's status description as its message."""
    code = e.code() if hasattr(e, "code") else None
    details = e.details() if hasattr(e, "details") else None
    message = details or (code.name.lower() if code else str(e))
    return _BY_CODE.get(code, LearnchainError)(message, code)
