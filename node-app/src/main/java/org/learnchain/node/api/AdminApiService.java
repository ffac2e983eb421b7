package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.node.status.BlockSummary;
import org.learnchain.proto.admin.AdminServiceGrpc;
import org.learnchain.proto.admin.BlockWorkReply;
import org.learnchain.proto.admin.BlockWorkRequest;
import org.learnchain.proto.admin.Certificate;
import org.learnchain.proto.admin.Commit;
import org.learnchain.proto.admin.DeniedPeersReply;
import org.learnchain.proto.admin.DeniedPeersRequest;
import org.learnchain.proto.admin.PeerKeyRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator calls (admin.proto): the p2p deny list, and the decoded consensus section of a block for
 * auditors. The deny list is what an operator uses to cut off a misbehaving member at once, without
 * waiting for its reputation to fall; the acceptance suite uses it to isolate a node.
 */
final class AdminApiService extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApiService.class);

  private final ApiContext ctx;

  AdminApiService(ApiContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void denyPeer(PeerKeyRequest request, StreamObserver<DeniedPeersReply> out) {
    Optional<PublicKey> key = memberKey(request, out);
    if (key.isEmpty()) {
      return;
    }
    boolean changed = ctx.network().deny(key.get());
    LOG.info("Peer deny requested over the API peer={} changed={}", key.get().address(), changed);
    reply(out, changed);
  }

  @Override
  public void allowPeer(PeerKeyRequest request, StreamObserver<DeniedPeersReply> out) {
    Optional<PublicKey> key = memberKey(request, out);
    if (key.isEmpty()) {
      return;
    }
    boolean changed = ctx.network().allow(key.get());
    LOG.info("Peer allow requested over the API peer={} changed={}", key.get().address(), changed);
    reply(out, changed);
  }

  @Override
  public void listDeniedPeers(DeniedPeersRequest request, StreamObserver<DeniedPeersReply> out) {
    reply(out, false);
  }

  private void reply(StreamObserver<DeniedPeersReply> out, boolean changed) {
    DeniedPeersReply.Builder b = DeniedPeersReply.newBuilder().setChanged(changed);
    for (PublicKey k : ctx.network().denied()) {
      b.addPublicKeys(ByteString.copyFrom(k.toArray()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /** The request's key if it is a genesis member other than this node; else answers the error. */
  private Optional<PublicKey> memberKey(PeerKeyRequest request, StreamObserver<?> out) {
    if (request.getPublicKey().size() != PublicKey.LENGTH) {
      out.onError(ApiErrors.invalid("a public key has 32 bytes (64 hex characters)"));
      return Optional.empty();
    }
    PublicKey key = PublicKey.wrap(request.getPublicKey().toByteArray());
    if (key.equals(ctx.nodeKey())) {
      out.onError(ApiErrors.invalid("that is this node's own key"));
      return Optional.empty();
    }
    boolean member = ctx.genesis().members().stream().anyMatch(m -> m.publicKey().equals(key));
    if (!member) {
      out.onError(ApiErrors.notFound("no genesis member has key " + key.toHex()));
      return Optional.empty();
    }
    return Optional.of(key);
  }

  @Override
  public void getBlockWork(BlockWorkRequest request, StreamObserver<BlockWorkReply> out) {
    Optional<Block> found = ctx.store().canonicalBlock(request.getHeight());
    if (found.isEmpty()) {
      out.onError(ApiErrors.notFound("no block at height " + request.getHeight()));
      return;
    }
    Block block = found.get();
    BlockHeader h = block.header();
    BlockWorkReply.Builder b =
        BlockWorkReply.newBuilder()
            .setHeight(block.height())
            .setHash(ProtoViews.bytes(block.hash()))
            .setRound(h.round())
            .setAttempt(h.attempt())
            .setProposer(key(h.proposer()))
            .setModelHash(ProtoViews.bytes(h.modelHash()))
            .setCertificateHash(ProtoViews.bytes(h.certificateHash()));
    BlockSummary.Kind kind = BlockSummary.of(block).kind();
    b.setKind(kind == BlockSummary.Kind.GENESIS ? "idle" : kind.id());
    Result<WorkSection> work = WorkSection.decode(block.work());
    if (!work.isOk()) {
      // A stored block passed verification, so its section decodes; this is a corrupt store.
      LOG.error(
          "Stored block has an undecodable work section height={} reason={}",
          block.height(),
          work.reason());
      out.onError(ApiErrors.internal("stored block's work section is corrupt: " + work.reason()));
      return;
    }
    if (work.value() instanceof WorkSection.Useful u) {
      b.setCertificate(certificate(u.certificate()));
      u.commits().forEach(c -> b.addCommits(commit(c)));
      b.setModelBytes(u.model().size());
    } else if (work.value() instanceof WorkSection.Wasted w) {
      w.commits().forEach(c -> b.addCommits(commit(c)));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  private static Certificate certificate(WinnerCertificate c) {
    Certificate.Builder b =
        Certificate.newBuilder()
            .setRound(c.round())
            .setProblemId(ProtoViews.bytes(c.problemId()))
            .setAttempt(c.attempt())
            .setWinner(key(c.winner()))
            .setModelHash(ProtoViews.bytes(c.modelHash()))
            .setScore(c.score())
            .setSubmitter(key(c.submitter()));
    List<WinnerCertificate.RankEntry> ranking = c.ranking();
    ranking.forEach(e -> b.addRanking(key(e.miner())));
    return b.build();
  }

  private static Commit commit(ModelCommit c) {
    return Commit.newBuilder()
        .setRound(c.round())
        .setProblemId(ProtoViews.bytes(c.problemId()))
        .setMiner(key(c.miner()))
        .setCommitment(ProtoViews.bytes(c.commitment()))
        .build();
  }

  private static ByteString key(PublicKey k) {
    return ByteString.copyFrom(k.toArray());
  }
}
