"""The Python client against a real two-node testnet: node 0 submits, node 1 mines.

Three problems are submitted at once (bounties 3000, 2000, 1000: the chain mines the highest
first), so their rounds run back to back while the tests wait on them in that order.
"""

from __future__ import annotations

import gzip
import math
import struct

import grpc
import numpy as np
import pandas as pd
import pytest

import learnchain
from learnchain._proto import api_pb2

from conftest import DATA, ROOT


def _split(df: pd.DataFrame, test_rows: int, seed: int = 7):
    shuffled = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return shuffled.iloc[test_rows:].reset_index(drop=True), shuffled.iloc[:test_rows].reset_index(
        drop=True
    )


def _idx(name: str) -> np.ndarray:
    raw = gzip.decompress((ROOT / "ml-engine/src/main/resources/datasets" / name).read_bytes())
    magic, count = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(raw, np.uint8, offset=8)


@pytest.fixture(scope="module")
def client(testnet):
    with learnchain.connect(testnet.target(0), token_file=testnet.token_file(0)) as c:
        yield c


@pytest.fixture(scope="module")
def data():
    wine_train, wine_test = _split(pd.read_csv(DATA / "wine.csv"), 38)
    diab_train, diab_test = _split(pd.read_csv(DATA / "diabetes.csv"), 88)
    images = _idx("mnist-train-images-idx3-ubyte.gz")
    labels = _idx("mnist-train-labels-idx1-ubyte.gz")
    return {
        "wine": (wine_train, wine_test),
        "diabetes": (diab_train, diab_test),
        "mnist": ((images[:1500], labels[:1500]), (images[1500:1800], labels[1500:1800])),
    }


@pytest.fixture(scope="module")
def problems(client, data):
    wine = client.submit(*data["wine"], label="cultivar", reward=3000)
    diabetes = client.submit(*data["diabetes"], label="progression", task="regression", reward=2000)
    mnist = client.submit(*data["mnist"], reward=1000)
    return {"wine": wine, "diabetes": diabetes, "mnist": mnist}


def test_classification_from_a_dataframe(problems, data, testnet, capsys):
    p = problems["wine"]
    assert p.info["task"] == "classification"
    assert p.info["classes"] == 3 and p.info["inputShape"] == [13]
    seen = []
    final = p.watch(on_event=seen.append)
    assert final.final and final.state == "solved"
    assert "training" in {e.state for e in seen}, "the watch saw the round live"
    assert "training, round" in capsys.readouterr().err, "progress printed while training"

    r = p.result()
    assert r.winner == testnet.address(1), "the only other miner won"
    assert r.score > 0.7

    test = data["wine"][1]
    pred = p.predict(test)  # the label column is left out by the client
    assert pred.task == "classification"
    assert pred.labels.shape == (38,)
    assert pred.probabilities.shape == (38, 3)
    np.testing.assert_allclose(pred.probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert (pred.labels == pred.probabilities.argmax(axis=1)).all()
    assert (pred.labels == test["cultivar"].to_numpy()).mean() == pytest.approx(r.score, abs=1e-6)
    assert pred.model_hash == r.model_hash


def test_download_checks_the_hash_and_never_overwrites(problems, tmp_path):
    p = problems["wine"]
    r = p.result()
    path = p.download_model(tmp_path / "wine-model.zip")
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == r.model_hash
    with pytest.raises(FileExistsError):
        p.download_model(path)


def test_leaderboard_is_a_dataframe_from_the_chain(problems, testnet):
    p = problems["wine"]
    r = p.result()
    board = p.leaderboard()
    assert list(board.columns) == [
        "height", "round", "attempt", "outcome", "rank", "miner", "score", "winner",
    ]
    assert board.attrs["metric"] == "accuracy"
    top = board.iloc[0]
    assert top["miner"] == r.winner and top["rank"] == 1 and bool(top["winner"])
    assert top["height"] == r.height and top["score"] == pytest.approx(r.score)


def test_rewards_show_what_the_winning_round_paid(problems, client):
    r = problems["wine"].result()
    paid = client.rewards(r.winner)
    assert list(paid.columns) == ["height", "block", "kind", "amount"]
    won = paid[paid["height"] == r.height]
    assert set(won["kind"]) >= {"bounty"} and (won["amount"] > 0).all()
    assert won.iloc[0]["block"] == r.block_hash
    assert client.rewards(r.winner, from_height=r.height + 10_000).empty
    acc = client.account(r.winner)
    assert acc["balance"] > 0 and acc["height"] >= r.height
    with pytest.raises(learnchain.LearnchainError):
        client.account("xyz")


def test_regression_is_scored_by_mean_squared_error(problems, data):
    p = problems["diabetes"]
    assert p.info["task"] == "regression" and p.info["classes"] == 0
    r = p.result()
    test = data["diabetes"][1]
    y = test["progression"].to_numpy()
    baseline = float(((y - data["diabetes"][0]["progression"].mean()) ** 2).mean())
    # The certified score of a regression is its negated mean squared error (higher is better).
    assert math.isfinite(r.score) and -r.score < baseline, (r.score, baseline)
    pred = p.predict(test.drop(columns=["progression"]).to_numpy())
    assert pred.task == "regression" and pred.values.shape == (88,)
    assert float(((pred.values - y) ** 2).mean()) == pytest.approx(-r.score, rel=1e-4)
    assert p.leaderboard().attrs["metric"] == "neg_mse"


def test_images_from_numpy_arrays(problems, data):
    p = problems["mnist"]
    assert p.info["inputShape"] == [1, 28, 28] and p.info["classes"] == 10
    r = p.result()
    assert r.score > 0.5
    images, labels = data["mnist"][1]
    pred = p.predict(images[:50])
    assert pred.probabilities.shape == (50, 10)
    assert (pred.labels == labels[:50]).mean() > 0.5
    floats = p.predict(images[:5].astype(np.float32) / 255.0)
    np.testing.assert_array_equal(floats.labels, pred.labels[:5])


def test_a_bad_csv_line_comes_back_with_its_line_number(client, data):
    train, test = data["wine"]
    text = train.to_csv(index=False).splitlines()
    text[5] = text[5].replace(",", ",x", 1)
    bad = "\n".join(text).encode()
    header = api_pb2.ProblemHeader(
        reward=100, train_bytes=len(bad), test_bytes=len(bad), label_column="cultivar"
    )
    stub = client._problems
    with pytest.raises(learnchain.InvalidArgument) as e:
        try:
            stub.SubmitProblem(
                iter(
                    [
                        api_pb2.SubmitProblemRequest(header=header),
                        api_pb2.SubmitProblemRequest(train=bad),
                        api_pb2.SubmitProblemRequest(test=bad),
                    ]
                ),
                metadata=client._auth(),
            )
        except grpc.RpcError as rpc:
            raise learnchain.errors.from_rpc(rpc) from None
    assert "training file: train.csv: line 6, column 'malic_acid'" in e.value.message


def test_a_dataframe_with_text_is_refused_by_the_node(client):
    df = pd.DataFrame({"a": [1.0] * 12, "b": ["x"] * 12, "y": [0, 1] * 6})
    with pytest.raises(learnchain.InvalidArgument, match=r"line 2, column 'b': 'x' is not a number"):
        client.submit(df, df, label="y", reward=100)


def test_a_wrong_token_is_an_exception_with_the_nodes_message(testnet, data):
    with learnchain.connect(testnet.target(0), token="0" * 64) as c:
        with pytest.raises(learnchain.Unauthenticated, match="token"):
            c.submit(*data["wine"], label="cultivar", reward=100)
    with learnchain.connect(testnet.target(0)) as c:
        with pytest.raises(learnchain.Unauthenticated):
            c.problem("00" * 32).predict(data["wine"][1])


def test_a_malformed_frame_is_refused_and_the_node_keeps_serving(client, testnet):
    # Bytes that are no protobuf message, sent as a GetProblem request.
    raw = client._channel.unary_unary(
        "/learnchain.api.v1.ProblemService/GetProblem",
        request_serializer=lambda b: b,
        response_deserializer=lambda b: b,
    )
    with pytest.raises(grpc.RpcError) as e:
        raw(b"\xff\xff\xff\xff\x0f", timeout=10)
    err = learnchain.errors.from_rpc(e.value)
    assert isinstance(err, learnchain.InvalidArgument)
    assert err.message == "not a valid GetProblem request message"
    # An upload whose first part is data, not the header.
    with pytest.raises(grpc.RpcError) as e:
        client._problems.SubmitProblem(
            iter([api_pb2.SubmitProblemRequest(train=b"a,b\n1,2\n")]), metadata=client._auth()
        )
    err = learnchain.errors.from_rpc(e.value)
    assert isinstance(err, learnchain.InvalidArgument)
    assert err.message == "the upload must start with a header"
    assert client.status()["height"] >= 0


def test_oversized_and_unknown_inputs(client, problems):
    with pytest.raises(learnchain.TooLarge):
        # One message over the node's 4 MiB gRPC limit.
        try:
            client._problems.Predict(
                api_pb2.PredictRequest(problem_id=b"\x00" * 32, input=b"0" * (5 << 20)),
                metadata=client._auth(),
            )
        except grpc.RpcError as rpc:
            raise learnchain.errors.from_rpc(rpc) from None
    with pytest.raises(learnchain.NotFound, match="no problem"):
        client.problem("ab" * 32).status()
    with pytest.raises(learnchain.InvalidArgument, match="64 hex"):
        try:
            client._problems.GetProblem(api_pb2.ProblemRequest(problem_id=b"\x01"))
        except grpc.RpcError as rpc:
            raise learnchain.errors.from_rpc(rpc) from None
    with pytest.raises(learnchain.InvalidArgument, match=r"the inputs are image\(1x27x27\), the problem takes image\(1x28x28\)"):
        problems["wine"].result()
        problems["mnist"].result()
        problems["mnist"].predict(np.zeros((3, 27, 27), np.uint8))


def test_a_batch_of_transactions_answers_each_in_order(client):
    results = client.submit_transactions([b"not a transaction", b""])
    assert [r["accepted"] for r in results] == [False, False]
    for r in results:
        assert r["code"] == "INVALID_ARGUMENT"
        assert r["message"].startswith("MALFORMED: ")
    assert client.submit_transactions([]) == []
    with pytest.raises(learnchain.InvalidArgument, match="at most 1000 transactions"):
        client.submit_transactions([b"x"] * 1001)
