package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.learnchain.proto.p2p.BlobChunkRequest;
import org.learnchain.proto.p2p.BlobManifestRequest;
import org.learnchain.proto.p2p.BlocksByRangeRequest;
import org.learnchain.proto.p2p.BlocksByRangeResponse;
import org.learnchain.proto.p2p.Disconnect;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Gossip;
import org.learnchain.proto.p2p.PeerList;
import org.learnchain.proto.p2p.Ping;
import org.learnchain.proto.p2p.Request;
import org.learnchain.proto.p2p.Response;

/**
 * Fuzzes every control and wire message an authenticated peer can send, through {@link
 * P2PCore#onEnvelope}: gossip envelopes, peer lists (signed records), blocks-by-range, blob
 * manifest and chunk requests (served for real from a blob store and a block source), responses
 * (made to answer a blocks request this node really sent, so the response checks run rather than
 * the unsolicited-answer path), ping, pong and disconnect.
 *
 * <p>The input is an {@code Envelope} encoding; bytes that do not parse are the frame decoder's
 * refusal, covered by {@code SecureFrameDecoderFuzzTest}. The contract checked: nothing is thrown;
 * every request gets exactly one well-formed answer (served on the request pool, so awaited) unless
 * the peer was dropped; every envelope this node sends back parses; an answer to a blocks request
 * carries at most the blocks asked for, and a failed one says why on one line; a dropped peer is
 * dropped with a reason.
 */
class P2PCoreEnvelopeFuzzTest {
  static final int BLOCKS_ASKED = 4;
  private static final long REPLY_WAIT_MS = 5_000;
  private static FuzzNode node;
  private static final List<MessageId> handled = new ArrayList<>();

  static synchronized FuzzNode node() {
    if (node == null) {
      node = new FuzzNode(P2PCoreEnvelopeFuzzTest::blocks);
      node.core()
          .subscribe(
              Topic.of("fuzz"),
              m ->
                  m.payload().length > 0 && (m.payload()[0] & 1) == 1
                      ? ValidationResult.REJECT
                      : ValidationResult.ACCEPT,
              m -> {
                synchronized (handled) {
                  if (handled.size() < 1024) {
                    handled.add(m.id());
                  }
                }
              });
    }
    return node;
  }

  /** A node with blocks at heights 0..99, each a few bytes naming its height. */
  static List<byte[]> blocks(long from, int max) {
    List<byte[]> out = new ArrayList<>();
    for (long h = from; h < 100 && out.size() < max; h++) {
      out.add(("block " + h).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return out;
  }

  @AfterAll
  static synchronized void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @FuzzTest(maxDuration = "3m")
  void onEnvelope(byte[] data) {
    Envelope e;
    try {
      e = Envelope.parseFrom(data);
    } catch (InvalidProtocolBufferException ex) {
      return;
    }
    FuzzNode n = node();
    FuzzNode.Session s = n.open();
    try {
      dispatch(n.core(), s, e);
    } finally {
      s.end(n.core());
    }
  }

  private static void dispatch(P2PCore core, FuzzNode.Session s, Envelope e) {
    CompletableFuture<BlocksResult> asked = null;
    if (e.hasResponse()) {
      asked = core.requestBlocks(FuzzNode.PEER.publicKey(), 10, BLOCKS_ASKED);
      Envelope request = parse(s.connection().next(REPLY_WAIT_MS));
      assertTrue(request.hasRequest() && request.getRequest().hasBlocksByRange(), "no request");
      e =
          e.toBuilder()
              .setResponse(e.getResponse().toBuilder().setId(request.getRequest().getId()))
              .build();
    }
    core.onEnvelope(s.session(), e);
    if (asked != null) {
      BlocksResult r = asked.getNow(null);
      assertNotNull(r, "a response to a pending request left it pending");
      if (r instanceof BlocksResult.Blocks b) {
        assertTrue(b.payloads().size() <= BLOCKS_ASKED, "more blocks than asked for");
      } else {
        String why = ((BlocksResult.Failed) r).reason();
        assertFalse(why.contains("\n") || why.contains("\r"), why);
      }
    }
    if (e.hasRequest()) {
      long id = e.getRequest().getId();
      byte[] answer = awaitAnswer(s, id);
      if (answer == null) {
        assertNotNull(s.connection().closedWith, "request " + id + " never answered");
      } else {
        Response r = parse(answer).getResponse();
        assertTrue(
            r.hasError() || r.getKindCase() != Response.KindCase.KIND_NOT_SET, "empty answer");
        if (r.hasBlocksByRange()) {
          assertTrue(
              r.getBlocksByRange().getBlocksCount()
                  <= Math.max(
                      1, Integer.toUnsignedLong(e.getRequest().getBlocksByRange().getCount())));
        }
      }
    }
    for (byte[] sent : s.connection().drain()) {
      parse(sent);
    }
  }

  /**
   * The answer to request {@code id}, or null once the peer has been dropped (nothing more is sent
   * to it) or the wait is over.
   */
  private static byte[] awaitAnswer(FuzzNode.Session s, long id) {
    long deadline = System.nanoTime() + REPLY_WAIT_MS * 1_000_000;
    while (System.nanoTime() < deadline) {
      byte[] next = s.connection().next(2);
      if (next != null) {
        if (isAnswerTo(parse(next), id)) {
          return next;
        }
      } else if (s.connection().closedWith != null) {
        return s.connection().next(20); // an answer sent just before the drop
      }
    }
    return null;
  }

  private static boolean isAnswerTo(Envelope e, long id) {
    return e.hasResponse() && e.getResponse().getId() == id;
  }

  private static Envelope parse(byte[] bytes) {
    assertNotNull(bytes, "nothing sent");
    try {
      return Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException ex) {
      return fail("sent an envelope that does not parse: " + ex.getMessage());
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    byte[] payload = {2, 4, 6};
    seeds.put(
        "gossip",
        Envelope.newBuilder()
            .setGossip(
                Gossip.newBuilder()
                    .setTopic("fuzz")
                    .setMessageId(ByteString.copyFrom(MessageId.of(payload).hash().toArray()))
                    .setPayload(ByteString.copyFrom(payload)))
            .build()
            .toByteArray());
    PeerRecord record =
        PeerRecord.sign(
            FuzzNode.PEER,
            SigningDomain.of(TestSupport.CHAIN, MessageType.PEER_RECORD),
            new PeerAddress("127.0.0.9", 30303),
            1_700_000_000_000L);
    seeds.put(
        "peer-list",
        Envelope.newBuilder()
            .setPeerList(PeerList.newBuilder().addRecords(WireRecords.toProto(record)))
            .build()
            .toByteArray());
    seeds.put(
        "blocks-request",
        request(
            Request.newBuilder()
                .setId(5)
                .setBlocksByRange(
                    BlocksByRangeRequest.newBuilder().setFromHeight(95).setCount(8))));
    seeds.put(
        "manifest-request",
        request(
            Request.newBuilder()
                .setId(6)
                .setBlobManifest(
                    BlobManifestRequest.newBuilder()
                        .setContentHash(ByteString.copyFrom(FuzzNode.BLOB_HASH.toArray())))));
    seeds.put(
        "chunk-request",
        request(
            Request.newBuilder()
                .setId(7)
                .setBlobChunk(
                    BlobChunkRequest.newBuilder()
                        .setContentHash(ByteString.copyFrom(FuzzNode.BLOB_HASH.toArray()))
                        .setOffset(FuzzNode.CHUNK_BYTES)
                        .setLength(FuzzNode.CHUNK_BYTES))));
    seeds.put(
        "blocks-response",
        Envelope.newBuilder()
            .setResponse(
                Response.newBuilder()
                    .setBlocksByRange(
                        BlocksByRangeResponse.newBuilder()
                            .addBlocks(ByteString.copyFromUtf8("block 10"))
                            .addBlocks(ByteString.copyFromUtf8("block 11"))))
            .build()
            .toByteArray());
    seeds.put(
        "error-response",
        Envelope.newBuilder()
            .setResponse(
                Response.newBuilder()
                    .setError(
                        ErrorResponse.newBuilder()
                            .setCode(ErrorResponse.Code.NOT_FOUND)
                            .setMessage("none\nhere")))
            .build()
            .toByteArray());
    seeds.put(
        "ping",
        Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build().toByteArray());
    seeds.put(
        "disconnect",
        Envelope.newBuilder()
            .setDisconnect(Disconnect.newBuilder().setReason("bye"))
            .build()
            .toByteArray());
    return seeds;
  }

  private static byte[] request(Request.Builder r) {
    return Envelope.newBuilder().setRequest(r).build().toByteArray();
  }

  @Test
  void seedsAreServedAndSaved() throws InvalidProtocolBufferException {
    FuzzNode n = node();
    FuzzNode.Session s = n.open();
    try {
      // The chunk request really gets the blob's second chunk.
      dispatchAndExpectChunk(n.core(), s, seeds().get("chunk-request"));
    } finally {
      s.end(n.core());
    }
    for (byte[] seed : seeds().values()) {
      onEnvelope(seed);
    }
    FuzzInputs.sync(getClass(), "onEnvelope", seeds());
  }

  private static void dispatchAndExpectChunk(P2PCore core, FuzzNode.Session s, byte[] seed)
      throws InvalidProtocolBufferException {
    core.onEnvelope(s.session(), Envelope.parseFrom(seed));
    Envelope answer = parse(s.connection().next(REPLY_WAIT_MS));
    ByteString data = answer.getResponse().getBlobChunk().getData();
    assertEquals(
        ByteString.copyFrom(FuzzNode.BLOB, FuzzNode.CHUNK_BYTES, FuzzNode.CHUNK_BYTES), data);
    assertEquals(7, answer.getResponse().getId());
  }
}
