from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StatusReply(_message.Message):
    __slots__ = ("height", "head_hash", "finalized_height", "peers", "chain_id", "genesis_hash", "node_address", "round", "phase", "mempool_size", "version", "head_timestamp_ms", "min_tx_fee", "genesis_supply", "minted", "burned", "escrow", "supply_height")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HEAD_HASH_FIELD_NUMBER: _ClassVar[int]
    FINALIZED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    PEERS_FIELD_NUMBER: _ClassVar[int]
    CHAIN_ID_FIELD_NUMBER: _ClassVar[int]
    GENESIS_HASH_FIELD_NUMBER: _ClassVar[int]
    NODE_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    MEMPOOL_SIZE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    HEAD_TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    MIN_TX_FEE_FIELD_NUMBER: _ClassVar[int]
    GENESIS_SUPPLY_FIELD_NUMBER: _ClassVar[int]
    MINTED_FIELD_NUMBER: _ClassVar[int]
    BURNED_FIELD_NUMBER: _ClassVar[int]
    ESCROW_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    height: int
    head_hash: bytes
    finalized_height: int
    peers: int
    chain_id: str
    genesis_hash: bytes
    node_address: bytes
    round: int
    phase: str
    mempool_size: int
    version: str
    head_timestamp_ms: int
    min_tx_fee: int
    genesis_supply: int
    minted: int
    burned: int
    escrow: int
    supply_height: int
    def __init__(self, height: _Optional[int] = ..., head_hash: _Optional[bytes] = ..., finalized_height: _Optional[int] = ..., peers: _Optional[int] = ..., chain_id: _Optional[str] = ..., genesis_hash: _Optional[bytes] = ..., node_address: _Optional[bytes] = ..., round: _Optional[int] = ..., phase: _Optional[str] = ..., mempool_size: _Optional[int] = ..., version: _Optional[str] = ..., head_timestamp_ms: _Optional[int] = ..., min_tx_fee: _Optional[int] = ..., genesis_supply: _Optional[int] = ..., minted: _Optional[int] = ..., burned: _Optional[int] = ..., escrow: _Optional[int] = ..., supply_height: _Optional[int] = ...) -> None: ...

class PeersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Peer(_message.Message):
    __slots__ = ("address", "public_key", "remote", "outbound", "listen", "score", "connected_ms")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    REMOTE_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    LISTEN_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_MS_FIELD_NUMBER: _ClassVar[int]
    address: bytes
    public_key: bytes
    remote: str
    outbound: bool
    listen: str
    score: int
    connected_ms: int
    def __init__(self, address: _Optional[bytes] = ..., public_key: _Optional[bytes] = ..., remote: _Optional[str] = ..., outbound: _Optional[bool] = ..., listen: _Optional[str] = ..., score: _Optional[int] = ..., connected_ms: _Optional[int] = ...) -> None: ...

class PeersReply(_message.Message):
    __slots__ = ("peers",)
    PEERS_FIELD_NUMBER: _ClassVar[int]
    peers: _containers.RepeatedCompositeFieldContainer[Peer]
    def __init__(self, peers: _Optional[_Iterable[_Union[Peer, _Mapping]]] = ...) -> None: ...

class RoundRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RoundReply(_message.Message):
    __slots__ = ("round", "phase", "time_left_ms", "problem_id", "submitter", "commits", "predictions", "test_revealed", "labels_revealed", "winner", "winner_score", "best_validation_score")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    TIME_LEFT_MS_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    PREDICTIONS_FIELD_NUMBER: _ClassVar[int]
    TEST_REVEALED_FIELD_NUMBER: _ClassVar[int]
    LABELS_REVEALED_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    WINNER_SCORE_FIELD_NUMBER: _ClassVar[int]
    BEST_VALIDATION_SCORE_FIELD_NUMBER: _ClassVar[int]
    round: int
    phase: str
    time_left_ms: int
    problem_id: bytes
    submitter: bytes
    commits: int
    predictions: int
    test_revealed: bool
    labels_revealed: bool
    winner: bytes
    winner_score: float
    best_validation_score: float
    def __init__(self, round: _Optional[int] = ..., phase: _Optional[str] = ..., time_left_ms: _Optional[int] = ..., problem_id: _Optional[bytes] = ..., submitter: _Optional[bytes] = ..., commits: _Optional[int] = ..., predictions: _Optional[int] = ..., test_revealed: _Optional[bool] = ..., labels_revealed: _Optional[bool] = ..., winner: _Optional[bytes] = ..., winner_score: _Optional[float] = ..., best_validation_score: _Optional[float] = ...) -> None: ...

class ListBlocksRequest(_message.Message):
    __slots__ = ("from_height", "count")
    FROM_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    from_height: int
    count: int
    def __init__(self, from_height: _Optional[int] = ..., count: _Optional[int] = ...) -> None: ...

class ListBlocksReply(_message.Message):
    __slots__ = ("blocks",)
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[BlockView]
    def __init__(self, blocks: _Optional[_Iterable[_Union[BlockView, _Mapping]]] = ...) -> None: ...

class GetBlockRequest(_message.Message):
    __slots__ = ("height", "hash")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    height: int
    hash: bytes
    def __init__(self, height: _Optional[int] = ..., hash: _Optional[bytes] = ...) -> None: ...

class BlockView(_message.Message):
    __slots__ = ("height", "hash", "prev_hash", "state_root", "timestamp_ms", "kind", "problem_id", "winner", "proposer", "model_hash", "score", "tx_count", "attempt", "model_bytes", "tx_hashes", "finalized")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    STATE_ROOT_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    MODEL_HASH_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TX_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    MODEL_BYTES_FIELD_NUMBER: _ClassVar[int]
    TX_HASHES_FIELD_NUMBER: _ClassVar[int]
    FINALIZED_FIELD_NUMBER: _ClassVar[int]
    height: int
    hash: bytes
    prev_hash: bytes
    state_root: bytes
    timestamp_ms: int
    kind: str
    problem_id: bytes
    winner: bytes
    proposer: bytes
    model_hash: bytes
    score: float
    tx_count: int
    attempt: int
    model_bytes: int
    tx_hashes: _containers.RepeatedScalarFieldContainer[bytes]
    finalized: bool
    def __init__(self, height: _Optional[int] = ..., hash: _Optional[bytes] = ..., prev_hash: _Optional[bytes] = ..., state_root: _Optional[bytes] = ..., timestamp_ms: _Optional[int] = ..., kind: _Optional[str] = ..., problem_id: _Optional[bytes] = ..., winner: _Optional[bytes] = ..., proposer: _Optional[bytes] = ..., model_hash: _Optional[bytes] = ..., score: _Optional[float] = ..., tx_count: _Optional[int] = ..., attempt: _Optional[int] = ..., model_bytes: _Optional[int] = ..., tx_hashes: _Optional[_Iterable[bytes]] = ..., finalized: _Optional[bool] = ...) -> None: ...

class AccountRequest(_message.Message):
    __slots__ = ("address",)
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    address: bytes
    def __init__(self, address: _Optional[bytes] = ...) -> None: ...

class AccountReply(_message.Message):
    __slots__ = ("address", "balance", "nonce", "stake", "next_nonce", "unbonding", "delegated", "unbonding_entries", "delegations_out", "delegations_in", "head_height")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    STAKE_FIELD_NUMBER: _ClassVar[int]
    NEXT_NONCE_FIELD_NUMBER: _ClassVar[int]
    UNBONDING_FIELD_NUMBER: _ClassVar[int]
    DELEGATED_FIELD_NUMBER: _ClassVar[int]
    UNBONDING_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    DELEGATIONS_OUT_FIELD_NUMBER: _ClassVar[int]
    DELEGATIONS_IN_FIELD_NUMBER: _ClassVar[int]
    HEAD_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    address: bytes
    balance: int
    nonce: int
    stake: int
    next_nonce: int
    unbonding: int
    delegated: int
    unbonding_entries: _containers.RepeatedCompositeFieldContainer[Unbonding]
    delegations_out: _containers.RepeatedCompositeFieldContainer[Delegation]
    delegations_in: _containers.RepeatedCompositeFieldContainer[Delegation]
    head_height: int
    def __init__(self, address: _Optional[bytes] = ..., balance: _Optional[int] = ..., nonce: _Optional[int] = ..., stake: _Optional[int] = ..., next_nonce: _Optional[int] = ..., unbonding: _Optional[int] = ..., delegated: _Optional[int] = ..., unbonding_entries: _Optional[_Iterable[_Union[Unbonding, _Mapping]]] = ..., delegations_out: _Optional[_Iterable[_Union[Delegation, _Mapping]]] = ..., delegations_in: _Optional[_Iterable[_Union[Delegation, _Mapping]]] = ..., head_height: _Optional[int] = ...) -> None: ...

class Unbonding(_message.Message):
    __slots__ = ("amount", "release_height")
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RELEASE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    amount: int
    release_height: int
    def __init__(self, amount: _Optional[int] = ..., release_height: _Optional[int] = ...) -> None: ...

class Delegation(_message.Message):
    __slots__ = ("counterparty", "amount")
    COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    counterparty: bytes
    amount: int
    def __init__(self, counterparty: _Optional[bytes] = ..., amount: _Optional[int] = ...) -> None: ...

class PaymentsRequest(_message.Message):
    __slots__ = ("address", "from_height", "limit")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FROM_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    address: bytes
    from_height: int
    limit: int
    def __init__(self, address: _Optional[bytes] = ..., from_height: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("height", "block_hash", "kind", "amount", "debit")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    BLOCK_HASH_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DEBIT_FIELD_NUMBER: _ClassVar[int]
    height: int
    block_hash: bytes
    kind: str
    amount: int
    debit: bool
    def __init__(self, height: _Optional[int] = ..., block_hash: _Optional[bytes] = ..., kind: _Optional[str] = ..., amount: _Optional[int] = ..., debit: _Optional[bool] = ...) -> None: ...

class PaymentsReply(_message.Message):
    __slots__ = ("payments", "recorded_from", "head_height")
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_FROM_FIELD_NUMBER: _ClassVar[int]
    HEAD_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    recorded_from: int
    head_height: int
    def __init__(self, payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ..., recorded_from: _Optional[int] = ..., head_height: _Optional[int] = ...) -> None: ...

class VerifyBlockRequest(_message.Message):
    __slots__ = ("height",)
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    height: int
    def __init__(self, height: _Optional[int] = ...) -> None: ...

class VerifyBlockReply(_message.Message):
    __slots__ = ("height", "hash", "kind", "valid", "reason", "mode", "verify_ms", "model_hash", "headroom")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    VERIFY_MS_FIELD_NUMBER: _ClassVar[int]
    MODEL_HASH_FIELD_NUMBER: _ClassVar[int]
    HEADROOM_FIELD_NUMBER: _ClassVar[int]
    height: int
    hash: bytes
    kind: str
    valid: bool
    reason: str
    mode: str
    verify_ms: int
    model_hash: bytes
    headroom: float
    def __init__(self, height: _Optional[int] = ..., hash: _Optional[bytes] = ..., kind: _Optional[str] = ..., valid: _Optional[bool] = ..., reason: _Optional[str] = ..., mode: _Optional[str] = ..., verify_ms: _Optional[int] = ..., model_hash: _Optional[bytes] = ..., headroom: _Optional[float] = ...) -> None: ...

class SubmitTransactionRequest(_message.Message):
    __slots__ = ("transaction",)
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    transaction: bytes
    def __init__(self, transaction: _Optional[bytes] = ...) -> None: ...

class SubmitTransactionReply(_message.Message):
    __slots__ = ("tx_hash",)
    TX_HASH_FIELD_NUMBER: _ClassVar[int]
    tx_hash: bytes
    def __init__(self, tx_hash: _Optional[bytes] = ...) -> None: ...

class SubmitTransactionsRequest(_message.Message):
    __slots__ = ("transactions",)
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, transactions: _Optional[_Iterable[bytes]] = ...) -> None: ...

class TransactionResult(_message.Message):
    __slots__ = ("tx_hash", "code", "message")
    TX_HASH_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tx_hash: bytes
    code: str
    message: str
    def __init__(self, tx_hash: _Optional[bytes] = ..., code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class SubmitTransactionsReply(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[TransactionResult]
    def __init__(self, results: _Optional[_Iterable[_Union[TransactionResult, _Mapping]]] = ...) -> None: ...

class WatchBlocksRequest(_message.Message):
    __slots__ = ("from_height",)
    FROM_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    from_height: int
    def __init__(self, from_height: _Optional[int] = ...) -> None: ...

class ChainEvent(_message.Message):
    __slots__ = ("block", "finalized_height", "head_height", "at_ms")
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    FINALIZED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    HEAD_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    block: BlockView
    finalized_height: int
    head_height: int
    at_ms: int
    def __init__(self, block: _Optional[_Union[BlockView, _Mapping]] = ..., finalized_height: _Optional[int] = ..., head_height: _Optional[int] = ..., at_ms: _Optional[int] = ...) -> None: ...

class ResourcesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ResourcesReply(_message.Message):
    __slots__ = ("heap_used_bytes", "heap_after_gc_bytes", "heap_max_bytes", "rss_bytes", "gc_count", "threads", "uptime_ms")
    HEAP_USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    HEAP_AFTER_GC_BYTES_FIELD_NUMBER: _ClassVar[int]
    HEAP_MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    GC_COUNT_FIELD_NUMBER: _ClassVar[int]
    THREADS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_MS_FIELD_NUMBER: _ClassVar[int]
    heap_used_bytes: int
    heap_after_gc_bytes: int
    heap_max_bytes: int
    rss_bytes: int
    gc_count: int
    threads: int
    uptime_ms: int
    def __init__(self, heap_used_bytes: _Optional[int] = ..., heap_after_gc_bytes: _Optional[int] = ..., heap_max_bytes: _Optional[int] = ..., rss_bytes: _Optional[int] = ..., gc_count: _Optional[int] = ..., threads: _Optional[int] = ..., uptime_ms: _Optional[int] = ...) -> None: ...

class SubmitProblemRequest(_message.Message):
    __slots__ = ("header", "train", "test", "train_labels", "test_labels")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    TRAIN_FIELD_NUMBER: _ClassVar[int]
    TEST_FIELD_NUMBER: _ClassVar[int]
    TRAIN_LABELS_FIELD_NUMBER: _ClassVar[int]
    TEST_LABELS_FIELD_NUMBER: _ClassVar[int]
    header: ProblemHeader
    train: bytes
    test: bytes
    train_labels: bytes
    test_labels: bytes
    def __init__(self, header: _Optional[_Union[ProblemHeader, _Mapping]] = ..., train: _Optional[bytes] = ..., test: _Optional[bytes] = ..., train_labels: _Optional[bytes] = ..., test_labels: _Optional[bytes] = ...) -> None: ...

class ProblemHeader(_message.Message):
    __slots__ = ("reward", "label_column", "train_bytes", "test_bytes", "task", "format", "train_labels_bytes", "test_labels_bytes")
    REWARD_FIELD_NUMBER: _ClassVar[int]
    LABEL_COLUMN_FIELD_NUMBER: _ClassVar[int]
    TRAIN_BYTES_FIELD_NUMBER: _ClassVar[int]
    TEST_BYTES_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    TRAIN_LABELS_BYTES_FIELD_NUMBER: _ClassVar[int]
    TEST_LABELS_BYTES_FIELD_NUMBER: _ClassVar[int]
    reward: int
    label_column: str
    train_bytes: int
    test_bytes: int
    task: str
    format: str
    train_labels_bytes: int
    test_labels_bytes: int
    def __init__(self, reward: _Optional[int] = ..., label_column: _Optional[str] = ..., train_bytes: _Optional[int] = ..., test_bytes: _Optional[int] = ..., task: _Optional[str] = ..., format: _Optional[str] = ..., train_labels_bytes: _Optional[int] = ..., test_labels_bytes: _Optional[int] = ...) -> None: ...

class SubmitProblemReply(_message.Message):
    __slots__ = ("problem_id", "train_set_hash", "train_samples", "test_samples", "features", "classes", "task", "input_shape")
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    TRAIN_SET_HASH_FIELD_NUMBER: _ClassVar[int]
    TRAIN_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    TEST_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    INPUT_SHAPE_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    train_set_hash: bytes
    train_samples: int
    test_samples: int
    features: int
    classes: int
    task: str
    input_shape: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, problem_id: _Optional[bytes] = ..., train_set_hash: _Optional[bytes] = ..., train_samples: _Optional[int] = ..., test_samples: _Optional[int] = ..., features: _Optional[int] = ..., classes: _Optional[int] = ..., task: _Optional[str] = ..., input_shape: _Optional[_Iterable[int]] = ...) -> None: ...

class ProblemRequest(_message.Message):
    __slots__ = ("problem_id",)
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    def __init__(self, problem_id: _Optional[bytes] = ...) -> None: ...

class ProblemReply(_message.Message):
    __slots__ = ("problem_id", "state", "height", "winner", "score", "submitter", "bounty", "included_height", "closed_height", "model_hash", "block_hash")
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    BOUNTY_FIELD_NUMBER: _ClassVar[int]
    INCLUDED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    MODEL_HASH_FIELD_NUMBER: _ClassVar[int]
    BLOCK_HASH_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    state: str
    height: int
    winner: bytes
    score: float
    submitter: bytes
    bounty: int
    included_height: int
    closed_height: int
    model_hash: bytes
    block_hash: bytes
    def __init__(self, problem_id: _Optional[bytes] = ..., state: _Optional[str] = ..., height: _Optional[int] = ..., winner: _Optional[bytes] = ..., score: _Optional[float] = ..., submitter: _Optional[bytes] = ..., bounty: _Optional[int] = ..., included_height: _Optional[int] = ..., closed_height: _Optional[int] = ..., model_hash: _Optional[bytes] = ..., block_hash: _Optional[bytes] = ...) -> None: ...

class ProblemEvent(_message.Message):
    __slots__ = ("at_ms", "state", "round", "time_left_ms", "commits", "predictions", "best_score", "winner", "height", "block_hash", "final")
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    TIME_LEFT_MS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    PREDICTIONS_FIELD_NUMBER: _ClassVar[int]
    BEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    BLOCK_HASH_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    at_ms: int
    state: str
    round: int
    time_left_ms: int
    commits: int
    predictions: int
    best_score: float
    winner: bytes
    height: int
    block_hash: bytes
    final: bool
    def __init__(self, at_ms: _Optional[int] = ..., state: _Optional[str] = ..., round: _Optional[int] = ..., time_left_ms: _Optional[int] = ..., commits: _Optional[int] = ..., predictions: _Optional[int] = ..., best_score: _Optional[float] = ..., winner: _Optional[bytes] = ..., height: _Optional[int] = ..., block_hash: _Optional[bytes] = ..., final: _Optional[bool] = ...) -> None: ...

class ModelChunk(_message.Message):
    __slots__ = ("data", "offset", "total_bytes", "model_hash", "height")
    DATA_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    MODEL_HASH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    offset: int
    total_bytes: int
    model_hash: bytes
    height: int
    def __init__(self, data: _Optional[bytes] = ..., offset: _Optional[int] = ..., total_bytes: _Optional[int] = ..., model_hash: _Optional[bytes] = ..., height: _Optional[int] = ...) -> None: ...

class PredictRequest(_message.Message):
    __slots__ = ("problem_id", "format", "input", "label_column")
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    LABEL_COLUMN_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    format: str
    input: bytes
    label_column: str
    def __init__(self, problem_id: _Optional[bytes] = ..., format: _Optional[str] = ..., input: _Optional[bytes] = ..., label_column: _Optional[str] = ...) -> None: ...

class PredictReply(_message.Message):
    __slots__ = ("problem_id", "task", "count", "width", "labels", "outputs", "model_hash", "height")
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    MODEL_HASH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    task: str
    count: int
    width: int
    labels: _containers.RepeatedScalarFieldContainer[int]
    outputs: _containers.RepeatedScalarFieldContainer[float]
    model_hash: bytes
    height: int
    def __init__(self, problem_id: _Optional[bytes] = ..., task: _Optional[str] = ..., count: _Optional[int] = ..., width: _Optional[int] = ..., labels: _Optional[_Iterable[int]] = ..., outputs: _Optional[_Iterable[float]] = ..., model_hash: _Optional[bytes] = ..., height: _Optional[int] = ...) -> None: ...

class LeaderboardReply(_message.Message):
    __slots__ = ("problem_id", "metric", "higher_is_better", "entries")
    PROBLEM_ID_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    HIGHER_IS_BETTER_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    problem_id: bytes
    metric: str
    higher_is_better: bool
    entries: _containers.RepeatedCompositeFieldContainer[LeaderboardEntry]
    def __init__(self, problem_id: _Optional[bytes] = ..., metric: _Optional[str] = ..., higher_is_better: _Optional[bool] = ..., entries: _Optional[_Iterable[_Union[LeaderboardEntry, _Mapping]]] = ...) -> None: ...

class LeaderboardEntry(_message.Message):
    __slots__ = ("height", "round", "attempt", "outcome", "rank", "miner", "score", "winner")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    MINER_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    WINNER_FIELD_NUMBER: _ClassVar[int]
    height: int
    round: int
    attempt: int
    outcome: str
    rank: int
    miner: bytes
    score: float
    winner: bool
    def __init__(self, height: _Optional[int] = ..., round: _Optional[int] = ..., attempt: _Optional[int] = ..., outcome: _Optional[str] = ..., rank: _Optional[int] = ..., miner: _Optional[bytes] = ..., score: _Optional[float] = ..., winner: _Optional[bool] = ...) -> None: ...
