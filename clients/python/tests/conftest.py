"""A two-node testnet of real `bin/learnchain node` processes for the client tests.

The distribution must be built first (`./mvnw -q -DskipTests package`); the acceptance module's
PythonClientAcceptanceTest does that as part of `./mvnw -B verify`. Node logs go to
$LEARNCHAIN_PYTEST_LOGS (or a temporary directory) and their tails are printed when a test fails.
"""

from __future__ import annotations

import os
import pathlib
import random
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

import learnchain

ROOT = pathlib.Path(os.environ.get("LEARNCHAIN_ROOT", pathlib.Path(__file__).resolve().parents[3]))
DATA = pathlib.Path(__file__).resolve().parents[1] / "examples" / "data"
NODES = 2
# Shorter than the testnet default (30 s training): three problems run back to back in the suite.
ROUND_MS = os.environ.get("LEARNCHAIN_PYTEST_ROUND_MS", "8000,4000,4000,500")
PASSWORD = "pytest-password"

_failed: list[str] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        _failed.append(item.nodeid)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _free_base() -> int:
    for _ in range(200):
        base = random.randrange(20000, 60000, 100)
        if all(_port_free(base + 10 * i + k) for i in range(NODES) for k in range(3)):
            return base
    raise RuntimeError("no free port range for the testnet")


class Testnet:
    def __init__(self, directory: pathlib.Path, base: int, logs: pathlib.Path):
        self.dir = directory
        self.base = base
        self.logs = logs
        self.procs: list[subprocess.Popen] = []

    def target(self, i: int = 0) -> str:
        return f"127.0.0.1:{self.base + 10 * i + 1}"

    def token_file(self, i: int = 0) -> pathlib.Path:
        return self.dir / f"node{i}" / "api.token"

    def address(self, i: int) -> str:
        with learnchain.connect(self.target(i)) as c:
            return c.status()["nodeAddress"]

    def tails(self, lines: int = 60) -> str:
        out = []
        for log in sorted(self.logs.glob("node*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"----- {log} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(out)


def _env() -> dict:
    env = dict(os.environ)
    env.update(
        LEARNCHAIN_PASSWORD=PASSWORD,
        OMP_NUM_THREADS="1",
        # Small heaps and the C1 compiler: the nodes share two cores with the build.
        JAVA_OPTS="-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    )
    return env


@pytest.fixture(scope="session")
def testnet():
    launcher = ROOT / "bin" / "learnchain"
    jar = ROOT / "node-app" / "target" / "learnchain.jar"
    if not jar.is_file():
        pytest.fail(f"{jar} is missing: build the distribution first (./mvnw -q -DskipTests package)")
    logs = pathlib.Path(os.environ.get("LEARNCHAIN_PYTEST_LOGS") or tempfile.mkdtemp(prefix="lc-logs"))
    logs.mkdir(parents=True, exist_ok=True)
    directory = pathlib.Path(tempfile.mkdtemp(prefix="learnchain-pytest"))
    base = _free_base()
    init = subprocess.run(
        [str(launcher), "testnet", "init", "--nodes", str(NODES), "--dir", str(directory / "net"),
         "--base-port", str(base), "--round-ms", ROUND_MS, "--chain-id", "pytest"],
        env=_env(), capture_output=True, text=True, timeout=120,
    )
    if init.returncode != 0:
        pytest.fail(f"testnet init failed: {init.stderr.strip()}")
    net = Testnet(directory / "net", base, logs)
    try:
        for i in range(NODES):
            log = open(logs / f"node{i}.log", "ab")
            net.procs.append(
                subprocess.Popen(
                    [str(launcher), "node", "--config", str(net.dir / f"node{i}" / "config.toml")],
                    stdout=log, stderr=subprocess.STDOUT, env=_env(),
                )
            )
        _await_mesh(net)
        yield net
    finally:
        for p in net.procs:
            p.terminate()
        for p in net.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if _failed:
            print(f"\nnode logs after failures in {', '.join(_failed)}:\n{net.tails()}")
        shutil.rmtree(directory, ignore_errors=True)


def _await_mesh(net: Testnet, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for p in net.procs:
            if p.poll() is not None:
                raise RuntimeError(f"a node exited with {p.returncode}:\n{net.tails()}")
        try:
            peers = []
            for i in range(NODES):
                with learnchain.connect(net.target(i), timeout=2) as c:
                    peers.append(c.status()["peers"])
            if all(n >= NODES - 1 for n in peers):
                return
            last = f"peers {peers}"
        except learnchain.LearnchainError as e:
            last = e.message
        time.sleep(0.5)
    raise RuntimeError(f"the testnet did not mesh in {timeout:.0f} s ({last}):\n{net.tails()}")
