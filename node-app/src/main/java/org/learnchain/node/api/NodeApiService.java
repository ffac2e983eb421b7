package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.node.status.BlockAuditor;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.node.support.VersionProvider;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ChainEvent;
import org.learnchain.proto.api.GetBlockRequest;
import org.learnchain.proto.api.ListBlocksReply;
import org.learnchain.proto.api.ListBlocksRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.PaymentsReply;
import org.learnchain.proto.api.PaymentsRequest;
import org.learnchain.proto.api.PeersReply;
import org.learnchain.proto.api.PeersRequest;
import org.learnchain.proto.api.ResourcesReply;
import org.learnchain.proto.api.ResourcesRequest;
import org.learnchain.proto.api.RoundReply;
import org.learnchain.proto.api.RoundRequest;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
import org.learnchain.proto.api.SubmitTransactionsReply;
import org.learnchain.proto.api.SubmitTransactionsRequest;
import org.learnchain.proto.api.VerifyBlockReply;
import org.learnchain.proto.api.VerifyBlockRequest;
import org.learnchain.proto.api.WatchBlocksRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chain, round, network, account and transaction calls of the node API. */
final class NodeApiService extends NodeServiceGrpc.NodeServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeApiService.class);
  static final int DEFAULT_BLOCKS = 10;
  static final int MAX_BLOCKS = 100;

  private final ApiContext ctx;
  private final ScheduledExecutorService scheduler;
  private final TransactionAdmission admission;

  /**
   * @param admission the bounded stage submitted transactions go through
   */
  NodeApiService(
      ApiContext ctx, ScheduledExecutorService scheduler, TransactionAdmission admission) {
    this.ctx = ctx;
    this.scheduler = scheduler;
    this.admission = admission;
  }

  @Override
  public void getStatus(StatusRequest request, StreamObserver<StatusReply> out) {
    Block head = ctx.store().head();
    RoundTracker.Snapshot round = ctx.tracker().snapshot();
    org.learnchain.ledger.state.WorldState state = ctx.store().headState();
    long escrow = 0;
    for (org.learnchain.ledger.PendingProblem p : state.pendingProblems()) {
      escrow += p.bounty();
    }
    out.onNext(
        StatusReply.newBuilder()
            .setHeight(head.height())
            .setHeadHash(ProtoViews.bytes(head.hash()))
            .setHeadTimestampMs(head.header().timestampMs())
            .setFinalizedHeight(ctx.store().finalizedHeight())
            .setPeers(ctx.network().peers().size())
            .setChainId(ctx.genesis().chainId())
            .setGenesisHash(ProtoViews.bytes(ctx.store().genesisBlock().hash()))
            .setNodeAddress(ProtoViews.bytes(ctx.nodeKey().address()))
            .setRound(round.height())
            .setPhase(round.phase().id())
            .setMempoolSize(ctx.mempool().size())
            .setVersion(VersionProvider.version())
            .setMinTxFee(ctx.genesis().rewards().minTxFee())
            .setGenesisSupply(state.meta().genesisSupply())
            .setMinted(state.meta().minted())
            .setBurned(state.meta().burned())
            .setEscrow(escrow)
            .setSupplyHeight(state.height())
            .build());
    out.onCompleted();
  }

  @Override
  public void getPeers(PeersRequest request, StreamObserver<PeersReply> out) {
    PeersReply.Builder b = PeersReply.newBuilder();
    for (PeerInfo p : ctx.network().peers()) {
      b.addPeers(ProtoViews.peer(p));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getRound(RoundRequest request, StreamObserver<RoundReply> out) {
    out.onNext(ProtoViews.round(ctx.tracker().snapshot()));
    out.onCompleted();
  }

  @Override
  public void listBlocks(ListBlocksRequest request, StreamObserver<ListBlocksReply> out) {
    int count = request.getCount() == 0 ? DEFAULT_BLOCKS : request.getCount();
    if (count < 0 || count > MAX_BLOCKS) {
      out.onError(ApiErrors.invalid("count must be 1.." + MAX_BLOCKS));
      return;
    }
    long head = ctx.store().head().height();
    long from = request.hasFromHeight() ? request.getFromHeight() : Math.max(0, head - count + 1);
    if (from < 0) {
      out.onError(ApiErrors.invalid("from_height must not be negative"));
      return;
    }
    long fin = ctx.store().finalizedHeight();
    ListBlocksReply.Builder b = ListBlocksReply.newBuilder();
    for (long h = from; h < from + count && h <= head; h++) {
      Optional<Block> block = ctx.store().canonicalBlock(h);
      if (block.isEmpty()) {
        break;
      }
      b.addBlocks(ProtoViews.block(block.get(), fin));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void getBlock(GetBlockRequest request, StreamObserver<BlockView> out) {
    Optional<Block> block;
    String what;
    switch (request.getRefCase()) {
      case HEIGHT -> {
        block = ctx.store().canonicalBlock(request.getHeight());
        what = "no block at height " + request.getHeight();
      }
      case HASH -> {
        if (request.getHash().size() != Hash.LENGTH) {
          out.onError(ApiErrors.invalid("a block hash has 32 bytes"));
          return;
        }
        Hash h = Hash.wrap(request.getHash().toByteArray());
        block = ctx.store().block(h);
        what = "no block " + h.toShortHex();
      }
      default -> {
        out.onError(ApiErrors.invalid("give a height or a hash"));
        return;
      }
    }
    if (block.isEmpty()) {
      out.onError(ApiErrors.notFound(what));
      return;
    }
    out.onNext(ProtoViews.block(block.get(), ctx.store().finalizedHeight()));
    out.onCompleted();
  }

  @Override
  public void getAccount(AccountRequest request, StreamObserver<AccountReply> out) {
    if (request.getAddress().size() != Address.LENGTH) {
      out.onError(ApiErrors.invalid("an address has 20 bytes (40 hex characters)"));
      return;
    }
    Address a = Address.wrap(request.getAddress().toByteArray());
    org.learnchain.ledger.state.WorldState head = ctx.store().headState();
    Account acc = head.account(a);
    long unbonding = acc.unbonding().stream().mapToLong(Account.Unbonding::amount).sum();
    long delegated = acc.delegations().stream().mapToLong(Account.Delegation::amount).sum();
    AccountReply.Builder r =
        AccountReply.newBuilder()
            .setAddress(request.getAddress())
            .setBalance(acc.balance())
            .setNonce(acc.nonce())
            .setStake(acc.stake())
            .setNextNonce(ctx.chain().nextNonce(a))
            .setUnbonding(unbonding)
            .setDelegated(delegated)
            .setHeadHeight(head.height());
    for (Account.Unbonding u : acc.unbonding()) {
      r.addUnbondingEntries(
          org.learnchain.proto.api.Unbonding.newBuilder()
              .setAmount(u.amount())
              .setReleaseHeight(u.releaseHeight()));
    }
    for (Account.Delegation d : acc.delegations()) {
      r.addDelegationsOut(delegation(d));
    }
    for (Account.Delegation d : acc.backers()) {
      r.addDelegationsIn(delegation(d));
    }
    out.onNext(r.build());
    out.onCompleted();
  }

  private static org.learnchain.proto.api.Delegation delegation(Account.Delegation d) {
    return org.learnchain.proto.api.Delegation.newBuilder()
        .setCounterparty(ByteString.copyFrom(d.counterparty().toArray()))
        .setAmount(d.amount())
        .build();
  }

  static final int DEFAULT_PAYMENTS = 1000;
  static final int MAX_PAYMENTS = 10_000;

  @Override
  public void getPayments(PaymentsRequest request, StreamObserver<PaymentsReply> out) {
    if (request.getAddress().size() != Address.LENGTH) {
      out.onError(ApiErrors.invalid("an address has 20 bytes (40 hex characters)"));
      return;
    }
    if (request.getLimit() > MAX_PAYMENTS) {
      out.onError(ApiErrors.invalid("limit " + request.getLimit() + " above " + MAX_PAYMENTS));
      return;
    }
    int limit = request.getLimit() == 0 ? DEFAULT_PAYMENTS : request.getLimit();
    Address a = Address.wrap(request.getAddress().toByteArray());
    long headHeight = ctx.store().head().height();
    PaymentsReply.Builder r =
        PaymentsReply.newBuilder()
            .setRecordedFrom(ctx.store().paymentsRecordedFrom())
            .setHeadHeight(headHeight);
    for (ChainStore.PaymentRecord p : ctx.store().payments(a, request.getFromHeight(), limit)) {
      r.addPayments(
          org.learnchain.proto.api.Payment.newBuilder()
              .setHeight(p.height())
              .setBlockHash(ProtoViews.bytes(p.block()))
              .setKind(p.kind().label())
              .setAmount(p.amount())
              .setDebit(p.kind().isDebit()));
    }
    out.onNext(r.build());
    out.onCompleted();
  }

  @Override
  public void verifyBlock(VerifyBlockRequest request, StreamObserver<VerifyBlockReply> out) {
    Optional<BlockAuditor.Audit> audit = ctx.auditor().audit(request.getHeight());
    if (audit.isEmpty()) {
      out.onError(ApiErrors.notFound("no block at height " + request.getHeight()));
      return;
    }
    BlockAuditor.Audit a = audit.get();
    LOG.info(
        "Block re-verified height={} valid={} mode={} elapsedMs={} headroom={}",
        request.getHeight(),
        a.valid(),
        a.mode(),
        a.elapsedMs(),
        a.headroom());
    out.onNext(
        VerifyBlockReply.newBuilder()
            .setHeight(a.block().height())
            .setHash(ProtoViews.bytes(a.block().hash()))
            .setKind(org.learnchain.node.status.BlockSummary.of(a.block()).kind().id())
            .setValid(a.valid())
            .setReason(a.reason())
            .setMode(a.mode())
            .setVerifyMs(a.elapsedMs())
            .setModelHash(ProtoViews.bytes(a.modelHash()))
            .setHeadroom(a.headroom())
            .build());
    out.onCompleted();
  }

  @Override
  public void submitTransaction(
      SubmitTransactionRequest request, StreamObserver<SubmitTransactionReply> out) {
    if (!admission.tryEnter(1)) {
      out.onError(admission.busy(1).asError());
      return;
    }
    ByteString bytes = request.getTransaction();
    boolean handed =
        admission.execute(
            () -> {
              try {
                answer(admission.submit(bytes), out);
              } catch (RuntimeException e) {
                LOG.warn("Transaction submission failed", e);
                out.onError(ApiErrors.internal("submission failed: " + e.getMessage()));
              } finally {
                admission.leave(1);
              }
            });
    if (!handed) {
      admission.leave(1);
      out.onError(Status.UNAVAILABLE.withDescription("the node is stopping").asRuntimeException());
    }
  }

  private static void answer(
      TransactionAdmission.Outcome o, StreamObserver<SubmitTransactionReply> out) {
    if (!o.isAccepted()) {
      out.onError(o.asError());
      return;
    }
    // Per transaction, so debug: at load-test rates an info line each costs more than the pool.
    if (LOG.isDebugEnabled()) {
      LOG.debug("Transaction accepted from API tx={}", o.id().toShortHex());
    }
    out.onNext(
        SubmitTransactionReply.newBuilder()
            .setTxHash(ByteString.copyFrom(o.id().toArray()))
            .build());
    out.onCompleted();
  }

  @Override
  public void submitTransactions(
      SubmitTransactionsRequest request, StreamObserver<SubmitTransactionsReply> out) {
    BatchSubmission.submit(admission, request.getTransactionsList(), out);
  }

  @Override
  public void watchBlocks(WatchBlocksRequest request, StreamObserver<ChainEvent> out) {
    Optional<Long> from =
        request.hasFromHeight() ? Optional.of(request.getFromHeight()) : Optional.empty();
    new BlockWatch(ctx.store(), (ServerCallStreamObserver<ChainEvent>) out, scheduler, from)
        .start();
  }

  @Override
  public void getResources(ResourcesRequest request, StreamObserver<ResourcesReply> out) {
    out.onNext(ProcessResources.read());
    out.onCompleted();
  }
}
