package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.node.status.BlockSummary;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.Peer;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.RoundReply;

/**
 * Domain values to API messages, in one place (the Ratis {@code *ProtoUtils} pattern): the rest of
 * the node never sees generated classes.
 */
final class ProtoViews {
  private ProtoViews() {}

  static ByteString bytes(Hash h) {
    return ByteString.copyFrom(h.toArray());
  }

  static ByteString bytes(Address a) {
    return ByteString.copyFrom(a.toArray());
  }

  static BlockView block(Block b, long finalizedHeight) {
    BlockSummary s = BlockSummary.of(b);
    BlockView.Builder v =
        BlockView.newBuilder()
            .setHeight(s.height())
            .setHash(bytes(s.hash()))
            .setPrevHash(bytes(s.prevHash()))
            .setStateRoot(bytes(s.stateRoot()))
            .setTimestampMs(s.timestampMs())
            .setKind(s.kind().id())
            .setProblemId(bytes(s.problemId()))
            .setProposer(bytes(s.proposer()))
            .setModelHash(bytes(s.modelHash()))
            .setScore(s.score())
            .setTxCount(s.txCount())
            .setAttempt(s.attempt())
            .setModelBytes(s.modelBytes())
            .setFinalized(s.height() <= finalizedHeight);
    s.winner().ifPresent(w -> v.setWinner(bytes(w)));
    for (SignedTransaction tx : b.transactions()) {
      v.addTxHashes(bytes(tx.hash()));
    }
    return v.build();
  }

  static Peer peer(PeerInfo p) {
    Peer.Builder b =
        Peer.newBuilder()
            .setAddress(bytes(p.key().address()))
            .setPublicKey(ByteString.copyFrom(p.key().toArray()))
            .setRemote(p.remote().toString())
            .setOutbound(p.outbound())
            .setScore(p.score())
            .setConnectedMs(p.connectedForMs());
    p.listenAddress().ifPresent(a -> b.setListen(a.toString()));
    return b.build();
  }

  static RoundReply round(RoundTracker.Snapshot s) {
    RoundReply.Builder r =
        RoundReply.newBuilder()
            .setRound(s.height())
            .setPhase(s.phase().id())
            .setTimeLeftMs(s.timeLeftMs())
            .setCommits(s.commits())
            .setPredictions(s.predictions())
            .setTestRevealed(s.testRevealed())
            .setLabelsRevealed(s.labelsRevealed())
            .setWinnerScore(s.winnerScore())
            .setBestValidationScore(s.bestValidationScore());
    s.problemId().ifPresent(id -> r.setProblemId(bytes(id)));
    s.submitter().ifPresent(a -> r.setSubmitter(bytes(a)));
    s.winner().ifPresent(w -> r.setWinner(bytes(w)));
    return r.build();
  }

  static ProblemReply problem(ProblemView v) {
    ProblemReply.Builder r =
        ProblemReply.newBuilder()
            .setProblemId(bytes(v.problemId()))
            .setState(v.state().id())
            .setHeight(v.height())
            .setScore(v.score())
            .setSubmitter(bytes(v.submitter()))
            .setBounty(v.bounty())
            .setIncludedHeight(v.includedHeight())
            .setClosedHeight(v.closedHeight());
    v.winner().ifPresent(w -> r.setWinner(bytes(w)));
    v.modelHash().ifPresent(h -> r.setModelHash(bytes(h)));
    v.blockHash().ifPresent(h -> r.setBlockHash(bytes(h)));
    return r.build();
  }
}
