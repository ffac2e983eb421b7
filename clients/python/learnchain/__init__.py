"""learnchain: submit problems to a learnchain node and use the models the chain trains.

    import learnchain
    client = learnchain.connect("127.0.0.1:30301", token_file="testnet/node0/api.token")
    problem = client.submit(train_df, test_df, label="quality", reward=1000)
    problem.watch()
    print(problem.result())
    problem.predict(new_df).labels
"""

from .client import Client, Prediction, Problem, Result, WatchEvent, connect
from .errors import (
    FailedPrecondition,
    InvalidArgument,
    LearnchainError,
    ModelHashMismatch,
    NotFound,
    ProblemFailed,
    TooLarge,
    Unauthenticated,
    Unavailable,
)

__all__ = [
    "Client",
    "FailedPrecondition",
    "InvalidArgument",
    "LearnchainError",
    "ModelHashMismatch",
    "NotFound",
    "Prediction",
    "Problem",
    "ProblemFailed",
    "Result",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "WatchEvent",
    "connect",
]
