package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.learnchain.p2p.TestSupport.key;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.RateLimit;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.blob.InMemoryBlobStore;

/** The core's small parts, on a clock the test drives. */
class CoreUnitsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void tokenBucketAllowsTheBurstThenTheRate() {
    TokenBucket b = new TokenBucket(new RateLimit(10, 5), now::get);
    for (int i = 0; i < 5; i++) {
      assertTrue(b.tryAcquire(1));
    }
    assertFalse(b.tryAcquire(1));
    advance(Duration.ofMillis(250));
    assertTrue(b.tryAcquire(1));
    assertTrue(b.tryAcquire(1));
    assertFalse(b.tryAcquire(1), "2.5 tokens refilled in 250 ms");
    advance(Duration.ofHours(1));
    assertFalse(b.tryAcquire(6), "never more than the burst");
    assertTrue(b.tryAcquire(5));
  }

  @Test
  void seenCacheForgetsTheLeastRecentlyTouchedIdWhenFull() {
    SeenCache c = new SeenCache(16);
    for (int i = 0; i < 16; i++) {
      assertTrue(c.add(MessageId.of(new byte[] {(byte) i})));
    }
    assertFalse(c.add(MessageId.of(new byte[] {0})), "0 known, and now most recent");
    assertTrue(c.add(MessageId.of(new byte[] {99})));
    assertEquals(16, c.size());
    assertTrue(c.contains(MessageId.of(new byte[] {0})));
    assertFalse(c.contains(MessageId.of(new byte[] {1})), "1 was the eldest");
  }

  @Test
  void reputationBansAtTheThresholdAndTheBanExpires() {
    Reputation r = new Reputation(-100, Duration.ofMinutes(10), now::get);
    var k = key("peer").publicKey();
    assertFalse(r.adjust(k, ReputationAdjustment.REJECTED_GOSSIP).bannedNow());
    assertEquals(-20, r.score(k));
    for (int i = 0; i < 3; i++) {
      r.adjust(k, ReputationAdjustment.REJECTED_GOSSIP);
    }
    Reputation.Adjusted a = r.adjust(k, ReputationAdjustment.REJECTED_GOSSIP);
    assertTrue(a.bannedNow());
    assertEquals(-100, a.score());
    assertFalse(r.adjust(k, ReputationAdjustment.MALFORMED_MESSAGE).bannedNow(), "already banned");
    assertEquals(Reputation.MIN_SCORE, r.score(k));
    advance(Duration.ofMinutes(9));
    r.expireBans();
    assertTrue(r.isBanned(k));
    advance(Duration.ofMinutes(2));
    r.expireBans();
    assertFalse(r.isBanned(k));
    assertEquals(0, r.score(k));
    for (int i = 0; i < 500; i++) {
      r.adjust(k, ReputationAdjustment.USEFUL_RESPONSE);
    }
    assertEquals(Reputation.MAX_SCORE, r.score(k));
  }

  @Test
  void addressBookBacksOffExponentiallyUpToTheMaximumAndKeepsNewestRecords() {
    AddressBook book = new AddressBook(Duration.ofMillis(100), Duration.ofSeconds(1));
    PeerAddress boot = new PeerAddress("127.0.0.1", 1000);
    book.addBootnode(boot);
    assertEquals(
        List.of(boot),
        book.candidates(now.get(), k -> false).stream()
            .map(AddressBook.Candidate::address)
            .toList());
    long[] expectedMs = {100, 200, 400, 800, 1000, 1000};
    for (long ms : expectedMs) {
      long d = book.dialFailed(boot, now.get());
      assertTrue(d >= ms * 800_000 && d <= ms * 1_200_000, "delay " + d + " for " + ms + " ms");
      assertTrue(book.candidates(now.get(), k -> false).isEmpty(), "backing off");
      now.addAndGet(d);
      assertEquals(1, book.candidates(now.get(), k -> false).size());
    }
    PrivateKey member = key("member");
    book.dialSucceeded(boot, member.publicKey(), now.get());
    assertTrue(
        book.candidates(now.get(), k -> k.equals(member.publicKey())).isEmpty(),
        "connected bootnode skipped");

    SigningDomain d = SigningDomain.of(TestSupport.CHAIN, MessageType.PEER_RECORD);
    PeerRecord v2 = PeerRecord.sign(member, d, new PeerAddress("10.0.0.2", 30303), 2);
    PeerRecord v1 = PeerRecord.sign(member, d, new PeerAddress("10.0.0.1", 30303), 1);
    assertTrue(book.update(v2));
    assertFalse(book.update(v1), "older record ignored");
    assertEquals(v2, book.record(member.publicKey()).orElseThrow());
  }

  @Test
  void peerRecordsVerifyOnlyUnchangedAndInTheirDomain() {
    PrivateKey k = key("member");
    SigningDomain d = SigningDomain.of(TestSupport.CHAIN, MessageType.PEER_RECORD);
    PeerRecord r = PeerRecord.sign(k, d, new PeerAddress("127.0.0.1", 4000), 7);
    assertTrue(r.verify(d));
    assertFalse(
        new PeerRecord(r.key(), new PeerAddress("127.0.0.1", 4001), 7, r.signature()).verify(d));
    assertFalse(new PeerRecord(r.key(), r.address(), 8, r.signature()).verify(d));
    assertFalse(r.verify(SigningDomain.of("other-chain", MessageType.PEER_RECORD)));
    assertFalse(r.verify(SigningDomain.of(TestSupport.CHAIN, MessageType.P2P_HANDSHAKE)));
    var wire = WireRecords.toProto(r);
    assertEquals(Optional.of(r), WireRecords.parse(wire));
    assertTrue(WireRecords.parse(wire.toBuilder().setPort(0).build()).isEmpty());
    assertTrue(
        WireRecords.parse(wire.toBuilder().setNodeKey(ByteString.copyFrom(new byte[5])).build())
            .isEmpty());
  }

  @Test
  void manifestsDescribeChunksAndForeignManifestsAreChecked() throws IOException {
    InMemoryBlobStore store = new InMemoryBlobStore();
    byte[] content = TestSupport.randomBytes(3, 10_000);
    Hash h = store.put(content);
    BlobManifest m = BlobManifest.compute(store, h, 4096).orElseThrow();
    assertEquals(3, m.chunkCount());
    assertEquals(8192, m.offset(2));
    assertEquals(10_000 - 8192, m.length(2));
    // Prefix hashes: the blob's digest at the end of each chunk, the last one the content hash.
    assertEquals(Hashing.sha256(content, 0, 8192), m.prefixHashes().get(1));
    assertEquals(h, m.prefixHashes().get(2));
    assertTrue(BlobManifest.compute(store, Hashing.sha256(new byte[1]), 4096).isEmpty());

    var ok = BlobManifest.fromProto(m.toProto(), h, 1 << 20, 1 << 20);
    assertEquals(m, assertInstanceOf(BlobManifest.Parsed.Ok.class, ok).manifest());
    var tooBig =
        assertInstanceOf(
            BlobManifest.Parsed.Bad.class, BlobManifest.fromProto(m.toProto(), h, 9_999, 1 << 20));
    assertFalse(tooBig.peerAtFault(), "a big blob is not the peer's fault");
    assertTrue(
        assertInstanceOf(
                BlobManifest.Parsed.Bad.class,
                BlobManifest.fromProto(m.toProto(), Hashing.sha256(new byte[1]), 1 << 20, 1 << 20))
            .peerAtFault());
    assertTrue(
        assertInstanceOf(
                BlobManifest.Parsed.Bad.class,
                BlobManifest.fromProto(
                    m.toProto().toBuilder().setChunkSize(1024).build(), h, 1 << 20, 1 << 20))
            .peerAtFault());
    assertTrue(
        assertInstanceOf(
                BlobManifest.Parsed.Bad.class,
                BlobManifest.fromProto(m.toProto(), h, 1 << 20, 2048))
            .peerAtFault());
    assertTrue(
        assertInstanceOf(
                BlobManifest.Parsed.Bad.class,
                BlobManifest.fromProto(
                    m.toProto().toBuilder()
                        .setPrefixHashes(0, ByteString.copyFrom(new byte[3]))
                        .build(),
                    h,
                    1 << 20,
                    1 << 20))
            .peerAtFault());
    // A forged manifest must still end in the content hash, which no forger can complete.
    var wrongEnd =
        assertInstanceOf(
            BlobManifest.Parsed.Bad.class,
            BlobManifest.fromProto(
                m.toProto().toBuilder()
                    .setPrefixHashes(
                        2, ByteString.copyFrom(Hashing.sha256(content, 0, 8192).toArray()))
                    .build(),
                h,
                1 << 20,
                1 << 20));
    assertTrue(wrongEnd.peerAtFault());
    assertTrue(wrongEnd.reason().contains("content hash"), wrongEnd.reason());
    // The older format (chunk hashes alone) is refused without blame.
    var older = m.toProto().toBuilder().clearPrefixHashes();
    for (int i = 0; i < m.chunkCount(); i++) {
      older.addChunkHashes(
          ByteString.copyFrom(Hashing.sha256(content, (int) m.offset(i), m.length(i)).toArray()));
    }
    assertFalse(
        assertInstanceOf(
                BlobManifest.Parsed.Bad.class,
                BlobManifest.fromProto(older.build(), h, 1 << 20, 1 << 20))
            .peerAtFault());
  }

  @Test
  void storedBlobThatDoesNotHashToItsNameGetsNoManifest() throws IOException {
    InMemoryBlobStore store = new InMemoryBlobStore();
    byte[] content = TestSupport.randomBytes(4, 10_000);
    Hash wrongName = Hashing.sha256(new byte[] {1, 2, 3});
    try (var w = store.create(wrongName, content.length)) {
      w.write(0, content, 0, content.length);
      w.commit();
    }
    assertTrue(store.contains(wrongName));
    assertTrue(BlobManifest.compute(store, wrongName, 4096).isEmpty());
  }
}
