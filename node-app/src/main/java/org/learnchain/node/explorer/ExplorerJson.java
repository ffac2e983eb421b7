package org.learnchain.node.explorer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Optional;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.node.status.BlockSummary;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.PeerInfo;

/**
 * Domain values to the explorer's JSON, in one place. Field names are those of the gRPC messages
 * (lowerCamelCase, as protobuf's JSON mapping writes them) so a client can switch between the two;
 * hashes, addresses and keys are lower-case hex rather than base64 because people read them. NaN
 * scores become {@code null}: JSON has no NaN.
 */
final class ExplorerJson {
  /** Lists inside a transaction payload are cut here; a page shows the first few anyway. */
  private static final int MAX_LIST = 64;

  private ExplorerJson() {}

  static String hex(Hash h) {
    return h.toHex();
  }

  static String hex(Address a) {
    return a.toHex();
  }

  static JsonElement number(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? JsonNull.INSTANCE : new JsonPrimitive(d);
  }

  /** The fields of the gRPC {@code BlockView}. */
  static JsonObject block(Block b, long finalizedHeight) {
    BlockSummary s = BlockSummary.of(b);
    JsonObject o = new JsonObject();
    o.addProperty("height", s.height());
    o.addProperty("hash", hex(s.hash()));
    o.addProperty("prevHash", hex(s.prevHash()));
    o.addProperty("stateRoot", hex(s.stateRoot()));
    o.addProperty("timestampMs", s.timestampMs());
    o.addProperty("kind", s.kind().id());
    o.addProperty("problemId", hex(s.problemId()));
    o.addProperty("proposer", hex(s.proposer()));
    o.addProperty("modelHash", hex(s.modelHash()));
    o.add("score", number(s.score()));
    o.addProperty("txCount", s.txCount());
    o.addProperty("attempt", s.attempt());
    o.addProperty("modelBytes", s.modelBytes());
    o.addProperty("finalized", s.height() <= finalizedHeight);
    s.winner().ifPresent(w -> o.addProperty("winner", hex(w)));
    return o;
  }

  /** A block with its transactions and its decoded work section. */
  static JsonObject blockDetail(Block b, long finalizedHeight, Optional<Long> verifyMs) {
    JsonObject o = block(b, finalizedHeight);
    verifyMs.ifPresent(ms -> o.addProperty("verifyMs", ms));
    JsonArray txs = new JsonArray();
    for (SignedTransaction tx : b.transactions()) {
      txs.add(transaction(tx));
    }
    o.add("transactions", txs);
    o.add("work", work(b));
    return o;
  }

  static JsonObject transaction(SignedTransaction tx) {
    JsonObject o = new JsonObject();
    o.addProperty("hash", hex(tx.hash()));
    o.addProperty("sender", hex(tx.senderAddress()));
    o.addProperty("nonce", tx.nonce());
    o.addProperty("fee", tx.fee());
    o.addProperty("kind", tx.payload().getClass().getSimpleName());
    o.add("payload", value(tx.payload(), 0));
    return o;
  }

  /**
   * The work section: the certificate with the ranking and scores, every commit and prediction, and
   * the model's size. Mirrors the admin API's {@code BlockWorkReply} with addresses for keys.
   */
  static JsonObject work(Block b) {
    JsonObject o = new JsonObject();
    o.addProperty("round", b.header().round());
    o.addProperty("attempt", b.header().attempt());
    Result<WorkSection> decoded = WorkSection.decode(b.work());
    if (!decoded.isOk()) {
      o.addProperty("kind", "undecodable");
      o.addProperty("reason", decoded.reason());
      return o;
    }
    WorkSection w = decoded.value();
    if (w instanceof WorkSection.Useful u) {
      o.addProperty("kind", "useful");
      o.add("certificate", certificate(u.certificate()));
      JsonArray commits = new JsonArray();
      u.commits().forEach(c -> commits.add(commit(c)));
      o.add("commits", commits);
      JsonArray predictions = new JsonArray();
      u.predictions().forEach(p -> predictions.add(prediction(p)));
      o.add("predictions", predictions);
      o.addProperty("modelBytes", u.model().size());
      o.addProperty("modelHash", hex(u.model().sha256()));
    } else if (w instanceof WorkSection.Wasted wasted) {
      o.addProperty("kind", "wasted");
      o.addProperty("problemId", hex(wasted.problemId()));
      JsonArray commits = new JsonArray();
      wasted.commits().forEach(c -> commits.add(commit(c)));
      o.add("commits", commits);
    } else {
      o.addProperty("kind", b.height() == 0 ? "genesis" : "idle");
    }
    return o;
  }

  /** The model bytes of a useful-work block, if it carries one. */
  static Optional<byte[]> model(Block b) {
    Result<WorkSection> decoded = WorkSection.decode(b.work());
    if (decoded.isOk() && decoded.value() instanceof WorkSection.Useful u) {
      return Optional.of(u.model().toArray());
    }
    return Optional.empty();
  }

  static JsonObject certificate(WinnerCertificate c) {
    JsonObject o = new JsonObject();
    o.addProperty("round", c.round());
    o.addProperty("problemId", hex(c.problemId()));
    o.addProperty("attempt", c.attempt());
    o.addProperty("winner", hex(c.winner().address()));
    o.addProperty("modelHash", hex(c.modelHash()));
    o.add("score", number(c.score()));
    o.addProperty("submitter", hex(c.submitter().address()));
    JsonArray ranking = new JsonArray();
    for (WinnerCertificate.RankEntry e : c.ranking()) {
      JsonObject r = new JsonObject();
      r.addProperty("miner", hex(e.miner().address()));
      r.add("score", number(e.score()));
      ranking.add(r);
    }
    o.add("ranking", ranking);
    return o;
  }

  static JsonObject commit(ModelCommit c) {
    JsonObject o = new JsonObject();
    o.addProperty("round", c.round());
    o.addProperty("problemId", hex(c.problemId()));
    o.addProperty("miner", hex(c.miner().address()));
    o.addProperty("commitment", hex(c.commitment()));
    return o;
  }

  static JsonObject prediction(PredictionCommit p) {
    JsonObject o = new JsonObject();
    o.addProperty("round", p.round());
    o.addProperty("problemId", hex(p.problemId()));
    o.addProperty("miner", hex(p.miner().address()));
    o.addProperty("modelHash", hex(p.modelHash()));
    o.addProperty("predictionBytes", p.predictions().size());
    return o;
  }

  /** The fields of the gRPC {@code RoundReply}, plus the phase's end as a wall-clock time. */
  static JsonObject round(RoundTracker.Snapshot s, long nowMs) {
    JsonObject o = new JsonObject();
    o.addProperty("round", s.height());
    o.addProperty("phase", s.phase().id());
    o.addProperty("timeLeftMs", s.timeLeftMs());
    o.addProperty("phaseEndsAtMs", nowMs + s.timeLeftMs());
    o.addProperty("commits", s.commits());
    o.addProperty("predictions", s.predictions());
    o.addProperty("testRevealed", s.testRevealed());
    o.addProperty("labelsRevealed", s.labelsRevealed());
    o.add("winnerScore", number(s.winnerScore()));
    o.add("bestValidationScore", number(s.bestValidationScore()));
    s.problemId().ifPresent(id -> o.addProperty("problemId", hex(id)));
    s.submitter().ifPresent(a -> o.addProperty("submitter", hex(a)));
    s.winner().ifPresent(w -> o.addProperty("winner", hex(w)));
    return o;
  }

  /** The fields of the gRPC {@code ProblemReply}. */
  static JsonObject problem(ProblemView v) {
    JsonObject o = new JsonObject();
    o.addProperty("problemId", hex(v.problemId()));
    o.addProperty("state", v.state().id());
    o.addProperty("height", v.height());
    o.add("score", number(v.score()));
    o.addProperty("submitter", hex(v.submitter()));
    o.addProperty("bounty", v.bounty());
    o.addProperty("includedHeight", v.includedHeight());
    o.addProperty("closedHeight", v.closedHeight());
    v.winner().ifPresent(w -> o.addProperty("winner", hex(w)));
    v.modelHash().ifPresent(h -> o.addProperty("modelHash", hex(h)));
    v.blockHash().ifPresent(h -> o.addProperty("blockHash", hex(h)));
    return o;
  }

  /** A problem as the ledger holds it (the list view). */
  static JsonObject pendingProblem(PendingProblem p) {
    JsonObject o = new JsonObject();
    o.addProperty("problemId", hex(p.id()));
    o.addProperty("status", p.status().name().toLowerCase(java.util.Locale.ROOT));
    o.addProperty("submitter", hex(p.submitter()));
    o.addProperty("bounty", p.bounty());
    o.addProperty("trainSetSize", p.trainSetSize());
    o.addProperty("testSampleCount", p.testSampleCount());
    o.addProperty("includedHeight", p.includedHeight());
    o.addProperty("closedHeight", p.closedHeight());
    return o;
  }

  /** The fields of the gRPC {@code AccountReply}, with the delegations listed one by one. */
  static JsonObject account(Address a, Account acc, long nextNonce) {
    JsonObject o = new JsonObject();
    o.addProperty("address", hex(a));
    o.addProperty("balance", acc.balance());
    o.addProperty("nonce", acc.nonce());
    o.addProperty("stake", acc.stake());
    o.addProperty("nextNonce", nextNonce);
    o.addProperty("unbonding", acc.unbonding().stream().mapToLong(Account.Unbonding::amount).sum());
    o.addProperty(
        "delegated", acc.delegations().stream().mapToLong(Account.Delegation::amount).sum());
    o.add("delegations", delegations(acc.delegations()));
    o.add("backers", delegations(acc.backers()));
    JsonArray unbonding = new JsonArray();
    for (Account.Unbonding u : acc.unbonding()) {
      JsonObject e = new JsonObject();
      e.addProperty("amount", u.amount());
      e.addProperty("releaseHeight", u.releaseHeight());
      unbonding.add(e);
    }
    o.add("unbondingEntries", unbonding);
    return o;
  }

  private static JsonArray delegations(Collection<Account.Delegation> list) {
    JsonArray out = new JsonArray();
    for (Account.Delegation d : list) {
      JsonObject e = new JsonObject();
      e.addProperty("counterparty", hex(d.counterparty()));
      e.addProperty("amount", d.amount());
      out.add(e);
    }
    return out;
  }

  /** The fields of the gRPC {@code Peer}. */
  static JsonObject peer(PeerInfo p) {
    JsonObject o = new JsonObject();
    o.addProperty("address", hex(p.key().address()));
    o.addProperty("publicKey", p.key().toHex());
    o.addProperty("remote", p.remote().toString());
    o.addProperty("outbound", p.outbound());
    o.addProperty("score", p.score());
    o.addProperty("connectedMs", p.connectedForMs());
    p.listenAddress().ifPresent(l -> o.addProperty("listen", l.toString()));
    return o;
  }

  /**
   * A transaction payload's fields, whatever its kind: the seven kinds are records, so their
   * components are the wire fields. Keys become addresses and byte strings their sizes.
   */
  static JsonElement value(Object v, int depth) {
    if (v == null) {
      return JsonNull.INSTANCE;
    }
    if (v instanceof Number n) {
      return n instanceof Double d ? number(d) : new JsonPrimitive(n);
    }
    if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    if (v instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (v instanceof Hash h) {
      return new JsonPrimitive(h.toHex());
    }
    if (v instanceof Address a) {
      return new JsonPrimitive(a.toHex());
    }
    if (v instanceof PublicKey k) {
      return new JsonPrimitive(k.address().toHex());
    }
    if (v instanceof byte[] bytes) {
      return new JsonPrimitive(bytes.length + " bytes");
    }
    if (v instanceof Bytes bytes) {
      return new JsonPrimitive(bytes.size() + " bytes");
    }
    if (v instanceof Optional<?> opt) {
      return opt.isPresent() ? value(opt.get(), depth) : JsonNull.INSTANCE;
    }
    if (v instanceof Enum<?> e) {
      return new JsonPrimitive(e.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (depth > 4) {
      return new JsonPrimitive(v.getClass().getSimpleName());
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.stream().limit(MAX_LIST).forEach(e -> a.add(value(e, depth + 1)));
      return a;
    }
    if (v.getClass().isRecord()) {
      JsonObject o = new JsonObject();
      for (RecordComponent rc : v.getClass().getRecordComponents()) {
        try {
          o.add(rc.getName(), value(rc.getAccessor().invoke(v), depth + 1));
        } catch (IllegalAccessException | InvocationTargetException e) {
          o.addProperty(rc.getName(), "unreadable");
        }
      }
      return o;
    }
    return new JsonPrimitive(v.getClass().getSimpleName());
  }
}
