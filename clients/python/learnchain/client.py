"""The client: a connection to one node, and the problems submitted through it."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import pathlib
import sys
import time
from typing import Callable, Iterator, TextIO

import grpc
import numpy as np
import pandas as pd

from . import _idx
from ._proto import api_pb2, api_pb2_grpc
from .errors import LearnchainError, ModelHashMismatch, ProblemFailed, from_rpc

CHUNK_BYTES = 1 << 20  # the node takes upload chunks of at most 1 MiB
PREDICT_BATCH_BYTES = 3 << 20  # under the node's 4 MiB gRPC message limit
CLOSED_STATES = ("solved", "wasted", "expired")


def connect(
    target: str,
    token: str | None = None,
    token_file: str | os.PathLike | None = None,
    timeout: float = 30.0,
) -> "Client":
    """Connects to a node's gRPC API (e.g. "127.0.0.1:30301").

    The token (or the file the node wrote it to, its api.token) is needed to submit problems and
    to predict; reading status, watching and downloading models need none.
    """
    if token is None and token_file is not None:
        token = pathlib.Path(token_file).read_text().strip()
    return Client(target, token, timeout)


@dataclasses.dataclass(frozen=True)
class WatchEvent:
    """One step of a problem's life as the node sees it."""

    state: str  # pending, training, evaluating, awarding, solved, wasted, expired
    round: int
    time_left_ms: int
    commits: int
    predictions: int
    best_score: float  # the certified winner's score once known, else NaN
    winner: str | None  # address, hex
    height: int
    final: bool


@dataclasses.dataclass(frozen=True)
class Result:
    """A solved problem: who won, with what score, and where the model is on chain."""

    problem_id: str
    winner: str  # address, hex
    # as certified on chain, higher is better: accuracy, or a regression's negated mean squared
    # error (scikit-learn's neg_mean_squared_error convention)
    score: float
    height: int
    model_hash: str
    block_hash: str


@dataclasses.dataclass(frozen=True)
class Prediction:
    """The winning model's outputs for some inputs.

    For a classification `labels` holds the predicted class per sample and `probabilities` the
    class probabilities (samples x classes); for a regression `values` holds the predictions.
    """

    task: str
    labels: np.ndarray | None
    probabilities: np.ndarray | None
    values: np.ndarray | None
    model_hash: str


class Client:
    """A connection to one node. Use `connect` to make one."""

    def __init__(self, target: str, token: str | None, timeout: float):
        self.target = target
        self.timeout = timeout
        self._token = token
        self._channel = grpc.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", 64 << 20),
                ("grpc.max_send_message_length", 64 << 20),
            ],
        )
        self._problems = api_pb2_grpc.ProblemServiceStub(self._channel)
        self._node = api_pb2_grpc.NodeServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _auth(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self._token}")] if self._token else []

    def status(self) -> dict:
        """Height, head hash, finalized height, peers, round and phase of the node."""
        try:
            r = self._node.GetStatus(api_pb2.StatusRequest(), timeout=self.timeout)
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        return {
            "height": r.height,
            "headHash": r.head_hash.hex(),
            "finalizedHeight": r.finalized_height,
            "peers": r.peers,
            "chainId": r.chain_id,
            "round": r.round,
            "phase": r.phase,
            "nodeAddress": r.node_address.hex(),
        }

    def account(self, address: str) -> dict:
        """An account at the head: balance, stake, each unbonding entry with the height that frees
        it, and delegations out (to miners) and in (a miner's delegators)."""
        try:
            r = self._node.GetAccount(
                api_pb2.AccountRequest(address=_address(address)), timeout=self.timeout
            )
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        return {
            "address": r.address.hex(),
            "height": r.head_height,
            "balance": r.balance,
            "nonce": r.nonce,
            "stake": r.stake,
            "unbonding": [
                {"amount": u.amount, "releaseHeight": u.release_height}
                for u in r.unbonding_entries
            ],
            "delegationsOut": [
                {"miner": d.counterparty.hex(), "amount": d.amount} for d in r.delegations_out
            ],
            "delegationsIn": [
                {"delegator": d.counterparty.hex(), "amount": d.amount} for d in r.delegations_in
            ],
        }

    def rewards(self, address: str, from_height: int = 0) -> pd.DataFrame:
        """Every payment the chain recorded for an account, oldest first: one row per payment with
        its height, block, kind (bounty, subsidy, validator-share, delegator-share, wasted-split,
        refund, fee, slash, unbonded) and amount (negative for a slash)."""
        rows = []
        nxt = from_height
        while True:
            try:
                r = self._node.GetPayments(
                    api_pb2.PaymentsRequest(
                        address=_address(address), from_height=nxt, limit=_PAYMENTS_PAGE
                    ),
                    timeout=self.timeout,
                )
            except grpc.RpcError as e:
                raise from_rpc(e) from None
            page = list(r.payments)
            if len(page) == _PAYMENTS_PAGE:
                # A full page may end inside a block: keep whole blocks, ask again from the last.
                last = page[-1].height
                whole = [p for p in page if p.height != last]
                if whole:
                    page, nxt = whole, last
                else:
                    nxt = last + 1
            for p in page:
                rows.append(
                    {
                        "height": p.height,
                        "block": p.block_hash.hex(),
                        "kind": p.kind,
                        "amount": -p.amount if p.debit else p.amount,
                    }
                )
            if len(r.payments) < _PAYMENTS_PAGE:
                break
        df = pd.DataFrame(rows, columns=["height", "block", "kind", "amount"])
        df.attrs["recordedFrom"] = r.recorded_from
        return df

    def submit_transactions(self, transactions: list[bytes]) -> list[dict]:
        """Submits signed transactions (each the ledger's canonical encoding) in one call.

        Returns one dict per transaction, in order: {"accepted": True, "txHash": hex} or
        {"accepted": False, "code": "INVALID_ARGUMENT", "message": "MALFORMED: ..."} (the status
        and the one line SubmitTransaction would have answered with). A refused transaction does
        not affect the others. A batch over the node's cap (1,000 transactions, 1 MiB) raises
        InvalidArgument; a node with no room for it now raises TooLarge ("POOL_BUSY: ..."):
        send it again later.
        """
        try:
            r = self._node.SubmitTransactions(
                api_pb2.SubmitTransactionsRequest(transactions=list(transactions)),
                timeout=self.timeout,
            )
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        return [
            {"accepted": True, "txHash": t.tx_hash.hex()}
            if t.code == "OK"
            else {"accepted": False, "code": t.code, "message": t.message}
            for t in r.results
        ]

    def problem(self, problem_id: str, label: str | None = None) -> "Problem":
        """A problem already on chain (or in the node's pool), by its id."""
        return Problem(self, problem_id, label, {})

    def submit(
        self,
        train,
        test,
        *,
        reward: int,
        label: str | None = None,
        task: str = "classification",
    ) -> "Problem":
        """Funds a problem from the node's account (needs the token) and returns it.

        `train` and `test` are either pandas DataFrames (features and a label column, named by
        `label` or last), `(X, y)` pairs of numpy arrays with X of shape (samples, features), or
        `(images, labels)` pairs with images of shape (samples, height, width): uint8 pixels, or
        floats in [0, 1]. `task` is "classification" (scored by accuracy) or "regression" (one
        real target, scored by mean squared error).
        """
        if task not in ("classification", "regression"):
            raise ValueError("task must be 'classification' or 'regression'")
        images = _is_images(train)
        if images != _is_images(test):
            raise ValueError("train and test must both be images or both be tables")
        header = api_pb2.ProblemHeader(reward=int(reward), task=task)
        if images:
            files = {
                "train": _idx.images(train[0]),
                "train_labels": _idx.labels(train[1]),
                "test": _idx.images(test[0]),
                "test_labels": _idx.labels(test[1]),
            }
            header.format = "idx"
            header.train_labels_bytes = len(files["train_labels"])
            header.test_labels_bytes = len(files["test_labels"])
        else:
            train_df = _table(train, label)
            test_df = _table(test, label)
            label = label or train_df.columns[-1]
            if label not in train_df.columns or label not in test_df.columns:
                raise ValueError(f"label column {label!r} is not in both tables")
            files = {"train": _csv(train_df), "test": _csv(test_df)}
            header.format = "csv"
            header.label_column = label
        header.train_bytes = len(files["train"])
        header.test_bytes = len(files["test"])

        def parts() -> Iterator[api_pb2.SubmitProblemRequest]:
            yield api_pb2.SubmitProblemRequest(header=header)
            for name in ("train", "train_labels", "test", "test_labels"):
                data = files.get(name)
                for off in range(0, len(data or b""), CHUNK_BYTES):
                    yield api_pb2.SubmitProblemRequest(**{name: data[off : off + CHUNK_BYTES]})

        try:
            r = self._problems.SubmitProblem(
                parts(), metadata=self._auth(), timeout=max(self.timeout, 120)
            )
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        info = {
            "trainSetHash": r.train_set_hash.hex(),
            "trainSamples": r.train_samples,
            "testSamples": r.test_samples,
            "features": r.features,
            "classes": r.classes,
            "task": r.task,
            "inputShape": list(r.input_shape),
        }
        return Problem(self, r.problem_id.hex(), None if images else label, info)


class Problem:
    """A problem on chain: follow it, get its result, and use its model."""

    def __init__(self, client: Client, problem_id: str, label: str | None, info: dict):
        self.client = client
        self.id = problem_id
        self.label = label
        self.info = info

    def __repr__(self) -> str:
        return f"Problem({self.id})"

    def _request(self) -> api_pb2.ProblemRequest:
        try:
            return api_pb2.ProblemRequest(problem_id=bytes.fromhex(self.id))
        except ValueError:
            raise LearnchainError(f"not a problem id: {self.id!r}") from None

    def status(self) -> dict:
        """Where the problem stands: state, height, winner, score, bounty, model hash."""
        try:
            r = self.client._problems.GetProblem(self._request(), timeout=self.client.timeout)
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        return {
            "problemId": r.problem_id.hex(),
            "state": r.state,
            "height": r.height,
            "winner": r.winner.hex() or None,
            "score": r.score,
            "bounty": r.bounty,
            "includedHeight": r.included_height,
            "closedHeight": r.closed_height,
            "modelHash": r.model_hash.hex() or None,
            "blockHash": r.block_hash.hex() or None,
        }

    def events(self, timeout: float | None = None) -> Iterator[WatchEvent]:
        """The node's live events for this problem, until it closes (the last one is final)."""
        try:
            for e in self.client._problems.WatchProblem(self._request(), timeout=timeout):
                yield WatchEvent(
                    state=e.state,
                    round=e.round,
                    time_left_ms=e.time_left_ms,
                    commits=e.commits,
                    predictions=e.predictions,
                    best_score=e.best_score,
                    winner=e.winner.hex() or None,
                    height=e.height,
                    final=e.final,
                )
        except grpc.RpcError as e:
            raise from_rpc(e) from None

    def watch(
        self,
        out: TextIO | None = None,
        on_event: Callable[[WatchEvent], None] | None = None,
        timeout: float | None = None,
        quiet: bool = False,
    ) -> WatchEvent:
        """Follows the problem live, printing phase, time left, commits and best score to `out`
        (default: standard error) when they change, unless `quiet`; returns the final event."""
        if out is None and not quiet:
            out = sys.stderr
        last = None
        shown = None
        shown_at = 0.0
        for e in self.events(timeout):
            last = e
            if on_event is not None:
                on_event(e)
            # A line when anything but the countdown changes, and the countdown every 5 s.
            key = dataclasses.replace(e, time_left_ms=0)
            now = time.monotonic()
            if not quiet and (key != shown or now - shown_at >= 5):
                print(f"{self.id[:12]} {_describe(e)}", file=out, flush=True)
                shown = key
                shown_at = now
        if last is None:
            raise LearnchainError("the node ended the watch without an event")
        return last

    def result(self, timeout: float | None = None) -> Result:
        """Waits until the problem closes; the winner, score and model hash once solved.

        Raises ProblemFailed when it closed without a model (wasted or expired).
        """
        s = self.status()
        if s["state"] not in CLOSED_STATES:
            self.watch(quiet=True, timeout=timeout)
            s = self.status()
        if s["state"] != "solved":
            raise ProblemFailed(f"problem {self.id} is {s['state']}: it has no model")
        return Result(
            problem_id=self.id,
            winner=s["winner"],
            score=s["score"],
            height=s["height"],
            model_hash=s["modelHash"],
            block_hash=s["blockHash"],
        )

    def predict(self, data, label: str | None = None) -> Prediction:
        """Runs the winning model (on the node) on new inputs; needs the token.

        `data` is a DataFrame with the training features (the label column, if present, is left
        out), a 2-D numpy array of features, or a 3-D array of images (samples, height, width).
        Large inputs are sent in batches under the node's message limit.
        """
        batches = list(_predict_batches(data, label or self.label))
        if not batches:
            raise ValueError("no samples to predict")
        replies = []
        for fmt, payload, label_column in batches:
            req = api_pb2.PredictRequest(
                problem_id=bytes.fromhex(self.id),
                format=fmt,
                input=payload,
                label_column=label_column or "",
            )
            try:
                replies.append(
                    self.client._problems.Predict(
                        req, metadata=self.client._auth(), timeout=max(self.client.timeout, 120)
                    )
                )
            except grpc.RpcError as e:
                raise from_rpc(e) from None
        first = replies[0]
        outputs = np.concatenate(
            [np.asarray(r.outputs, dtype=np.float32).reshape(r.count, r.width) for r in replies]
        )
        if first.task == "classification":
            labels = np.concatenate([np.asarray(r.labels, dtype=np.int64) for r in replies])
            return Prediction("classification", labels, outputs, None, first.model_hash.hex())
        values = outputs[:, 0] if first.width == 1 else outputs
        return Prediction("regression", None, None, values, first.model_hash.hex())

    def download_model(self, path: str | os.PathLike) -> pathlib.Path:
        """Writes the winning model (DL4J canonical zip) to `path`, checking its SHA-256 against
        the model hash on chain; never overwrites an existing file."""
        path = pathlib.Path(path)
        if path.exists():
            raise FileExistsError(f"{path} exists; refusing to overwrite it")
        expected = self.result().model_hash
        digest = hashlib.sha256()
        buf = io.BytesIO()
        try:
            for c in self.client._problems.DownloadModel(
                self._request(), timeout=max(self.client.timeout, 120)
            ):
                if c.offset != buf.tell():
                    raise LearnchainError("the node sent the model out of order")
                buf.write(c.data)
                digest.update(c.data)
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        if digest.hexdigest() != expected:
            raise ModelHashMismatch(
                f"the downloaded model hashes to {digest.hexdigest()}, the chain says {expected}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, path)
        return path

    def leaderboard(self) -> pd.DataFrame:
        """Every miner's score in every round of the problem, from the chain, best first per
        round: columns height, round, attempt, outcome, rank, miner, score, winner."""
        try:
            r = self.client._problems.GetLeaderboard(self._request(), timeout=self.client.timeout)
        except grpc.RpcError as e:
            raise from_rpc(e) from None
        rows = [
            {
                "height": e.height,
                "round": e.round,
                "attempt": e.attempt,
                "outcome": e.outcome,
                "rank": e.rank,
                "miner": e.miner.hex(),
                "score": e.score,
                "winner": e.winner,
            }
            for e in r.entries
        ]
        df = pd.DataFrame(
            rows,
            columns=["height", "round", "attempt", "outcome", "rank", "miner", "score", "winner"],
        )
        df.attrs["metric"] = r.metric
        df.attrs["higher_is_better"] = r.higher_is_better
        return df


_PAYMENTS_PAGE = 10_000


def _address(address: str) -> bytes:
    hex_part = address[2:] if address.startswith("0x") else address
    try:
        raw = bytes.fromhex(hex_part)
    except ValueError:
        raw = b""
    if len(raw) != 20:
        raise LearnchainError(f"an address is 40 hex characters, got {address!r}")
    return raw


def _describe(e: WatchEvent) -> str:
    parts = [e.state]
    if e.state in ("training", "evaluating", "awarding"):
        parts.append(f"round {e.round}")
        parts.append(f"{e.time_left_ms / 1000:.0f}s left")
        parts.append(f"commits {e.commits}")
        parts.append(f"predictions {e.predictions}")
    if not math.isnan(e.best_score):
        parts.append(f"best score {e.best_score:.4f}")
    if e.state == "solved":
        parts.append(f"at height {e.height}, winner {e.winner}")
    return ", ".join(parts)


def _is_images(data) -> bool:
    return (
        isinstance(data, tuple)
        and len(data) == 2
        and isinstance(data[0], np.ndarray)
        and data[0].ndim == 3
    )


def _table(data, label: str | None) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        x = np.asarray(data[0])
        y = np.asarray(data[1])
        if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
            raise ValueError("(X, y) needs X of shape (samples, features) and y of (samples,)")
        df = pd.DataFrame(x, columns=[f"x{i}" for i in range(x.shape[1])])
        df[label or "label"] = y
        return df
    raise TypeError("pass a DataFrame, an (X, y) pair or an (images, labels) pair")


def _csv(df: pd.DataFrame) -> bytes:
    # Plain decimals only: the node rejects quoting, NaN and infinities, so say so here first.
    if df.isna().any().any():
        raise ValueError("the table has missing values; the chain needs every cell filled")
    return df.to_csv(index=False, float_format="%.9g").encode()


def _predict_batches(data, label: str | None):
    """(format, bytes, label column) per request, each under the node's message limit."""
    if isinstance(data, np.ndarray) and data.ndim == 3:
        per = max(1, PREDICT_BATCH_BYTES // max(1, data.shape[1] * data.shape[2]))
        for i in range(0, len(data), per):
            yield "idx", _idx.images(data[i : i + per]), None
        return
    if isinstance(data, np.ndarray) and data.ndim == 2:
        data = pd.DataFrame(data, columns=[f"x{i}" for i in range(data.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise TypeError("pass a DataFrame, a 2-D feature array or a 3-D image array")
    if label is not None and label in data.columns:
        data = data.drop(columns=[label])
    if len(data) == 0:
        return
    body = _csv(data)
    per = max(1, int(len(data) * PREDICT_BATCH_BYTES / max(1, len(body))))
    for i in range(0, len(data), per):
        yield "csv", _csv(data.iloc[i : i + per]), None
