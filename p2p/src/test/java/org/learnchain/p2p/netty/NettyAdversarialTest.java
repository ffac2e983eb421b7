package org.learnchain.p2p.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.learnchain.p2p.TestSupport.count;
import static org.learnchain.p2p.TestSupport.fastConfig;
import static org.learnchain.p2p.TestSupport.key;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.Await;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.p2p.blob.FileBlobStore;
import org.learnchain.p2p.blob.InMemoryBlobStore;
import org.learnchain.p2p.tls.TlsIdentity;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.BlobManifest;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Response;

/**
 * A real node on 127.0.0.1 against hostile sockets: strangers sending garbage, huge length prefixes
 * or nothing, members breaking the encrypted stream, a member that stops reading, a member serving
 * corrupted blob chunks. The node must drop each with a logged reason and keep serving its honest
 * peer.
 */
class NettyAdversarialTest {
  private static final Topic TOPIC = Topic.of("test/tx");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final PrivateKey keyA = key("member-0");
  private final PrivateKey keyB = key("member-1");
  private final PrivateKey keyRaw = key("member-2");
  private final Membership members =
      Membership.of(List.of(keyA.publicKey(), keyB.publicKey(), keyRaw.publicKey()));
  private final List<P2PNetwork> started = new ArrayList<>();
  private final List<RawPeer> raws = new ArrayList<>();
  private final Set<String> atB = ConcurrentHashMap.newKeySet();
  private final AtomicInteger probes = new AtomicInteger();
  private SimpleMeterRegistry metricsA;
  private P2PNetwork a;
  private P2PNetwork b;

  @AfterEach
  void tearDown() throws IOException {
    for (RawPeer r : raws) {
      r.close();
    }
    for (P2PNetwork n : started) {
      n.stop();
    }
  }

  private P2PNetwork node(
      P2PConfig config, PrivateKey key, BlobStore store, SimpleMeterRegistry reg) {
    P2PNetwork n = new NettyP2PNetwork(config, key, members, BlockSource.none(), store, reg);
    n.start();
    started.add(n);
    return n;
  }

  /** Node a (under attack) and its honest peer b, gossiping. */
  private void honestPair(P2PConfig.Builder aConfig, BlobStore aStore) {
    honestPair(aConfig, aStore, fastConfig(0, List.of()));
  }

  private void honestPair(P2PConfig.Builder aConfig, BlobStore aStore, P2PConfig.Builder bConfig) {
    metricsA = new SimpleMeterRegistry();
    a = node(aConfig.build(), keyA, aStore, metricsA);
    b =
        node(
            bConfig.bootnodes(List.of(a.listenAddress())).build(),
            keyB,
            new InMemoryBlobStore(),
            new SimpleMeterRegistry());
    a.subscribe(TOPIC, m -> ValidationResult.ACCEPT, m -> {});
    b.subscribe(
        TOPIC,
        m -> ValidationResult.ACCEPT,
        m -> atB.add(new String(m.payload(), StandardCharsets.UTF_8)));
    Await.until("a and b connected", WAIT, () -> peerKeys(a).contains(keyB.publicKey()));
  }

  /** With a handshake deadline long enough for a TLS handshake on a loaded machine. */
  private void honestPair() {
    honestPair(
        fastConfig(0, List.of()).handshakeTimeout(Duration.ofSeconds(3)), new InMemoryBlobStore());
  }

  private static Set<PublicKey> peerKeys(P2PNetwork n) {
    return n.peers().stream().map(PeerInfo::key).collect(Collectors.toSet());
  }

  private RawPeer raw() throws IOException {
    RawPeer r = RawPeer.connect(a.listenAddress());
    raws.add(r);
    return r;
  }

  /** A raw peer ready to run TLS as {@code id}. */
  private RawPeer raw(TlsIdentity id) throws IOException {
    RawPeer r = RawPeer.connect(a.listenAddress(), id);
    raws.add(r);
    return r;
  }

  /** Node a still gossips with b. */
  private void assertStillServing() {
    String probe = "probe " + probes.incrementAndGet();
    a.publish(TOPIC, probe.getBytes(StandardCharsets.UTF_8));
    Await.until("probe at b", WAIT, () -> atB.contains(probe));
    assertTrue(peerKeys(a).contains(keyB.publicKey()));
  }

  private double failed(String reason) {
    return count(metricsA, "p2p.handshakes", "result", "failed", "reason", reason);
  }

  private double dropped(DisconnectReason reason) {
    return count(metricsA, "p2p.peers.dropped", "reason", reason.code());
  }

  @Test
  void strangerSendingGarbageIsDropped() throws IOException {
    honestPair();
    RawPeer text = raw();
    text.writeRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(text.awaitClosedByNode(Duration.ofSeconds(5)));
    RawPeer junk = raw();
    byte[] frame = new byte[4 + 64];
    frame[3] = 64;
    for (int i = 4; i < frame.length; i++) {
      frame[i] = (byte) 0xff;
    }
    junk.writeRaw(frame);
    assertTrue(junk.awaitClosedByNode(Duration.ofSeconds(5)));
    // Neither is a TLS record: refused by the TLS layer before anything else reads a byte.
    assertEquals(2.0, failed("handshake_failed"));
    assertStillServing();
  }

  @Test
  void strangerSendingA2GbLengthPrefixIsDroppedAtOnce() throws IOException {
    honestPair();
    for (byte[] prefix : List.of(new byte[] {0x7f, -1, -1, -1}, new byte[] {-128, 0, 0, 0})) {
      RawPeer r = raw();
      r.writeRaw(prefix);
      r.writeRaw(new byte[1024]);
      // Well before the 3 s handshake timeout: the prefix alone decides.
      long t0 = System.nanoTime();
      assertTrue(r.awaitClosedByNode(Duration.ofSeconds(5)));
      assertTrue(
          System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2500), "closed on the prefix");
    }
    // A TLS record header announcing 65,535 bytes (more than TLS allows): BoringSSL refuses it on
    // the header, the JDK engine waits for the record (at most 64 KiB) until the deadline.
    RawPeer big = raw();
    big.writeRaw(new byte[] {0x16, 0x03, 0x03, -1, -1});
    big.writeRaw(new byte[1024]);
    assertTrue(big.awaitClosedByNode(Duration.ofSeconds(8)));
    assertEquals(3.0, failed("handshake_failed") + failed("handshake_timeout"));
    assertStillServing();
  }

  @Test
  void silentPeerIsDroppedAtTheHandshakeTimeout() throws IOException {
    honestPair(
        fastConfig(0, List.of()).handshakeTimeout(Duration.ofMillis(500)), new InMemoryBlobStore());
    RawPeer silent = raw();
    assertTrue(silent.awaitClosedByNode(Duration.ofSeconds(5)));
    assertEquals(1.0, failed("handshake_timeout"));
    assertStillServing();
  }

  @Test
  void handshakesBeyondTheCapAreClosedImmediately() throws IOException {
    honestPair(
        fastConfig(0, List.of()).handshakeTimeout(Duration.ofSeconds(3)).maxPendingHandshakes(3),
        new InMemoryBlobStore());
    // The listener accepts in order, so the first three hold every handshake slot.
    List<RawPeer> holders = List.of(raw(), raw(), raw());
    RawPeer extra = raw();
    assertTrue(extra.awaitClosedByNode(Duration.ofSeconds(2)));
    assertEquals(1.0, failed("too_many_handshakes"));
    for (RawPeer h : holders) {
      assertTrue(h.awaitClosedByNode(Duration.ofSeconds(5)), "holders time out");
    }
    assertEquals(3.0, failed("handshake_timeout"));
    assertStillServing();
  }

  @Test
  void strangerWithAValidCertificateIsRefusedInTheTlsHandshake() throws IOException {
    honestPair();
    RawPeer r = raw(RawPeer.identity(key("stranger")));
    Optional<String> f = r.handshake();
    assertTrue(f.isPresent(), "a stranger gets no hello");
    assertTrue(r.awaitClosedByNode(Duration.ofSeconds(5)));
    assertEquals(1.0, failed("not_a_member"), f.get());
    assertStillServing();
  }

  @Test
  void memberOfAnotherChainGenesisOrVersionIsRefused() throws IOException {
    honestPair();
    assertTrue(
        raw(RawPeer.identity(
                keyRaw, "other-chain", TestSupport.GENESIS, P2PConfig.PROTOCOL_VERSION))
            .handshake()
            .isPresent());
    assertTrue(
        raw(RawPeer.identity(keyRaw, TestSupport.CHAIN, Hash.ZERO, P2PConfig.PROTOCOL_VERSION))
            .handshake()
            .isPresent());
    assertTrue(
        raw(RawPeer.identity(
                keyRaw, TestSupport.CHAIN, TestSupport.GENESIS, P2PConfig.PROTOCOL_VERSION + 1))
            .handshake()
            .isPresent());
    Await.until("chain refused", WAIT, () -> failed("chain_mismatch") == 1.0);
    Await.until("genesis refused", WAIT, () -> failed("genesis_mismatch") == 1.0);
    Await.until("version refused", WAIT, () -> failed("version_mismatch") == 1.0);
    assertFalse(peerKeys(a).contains(keyRaw.publicKey()));
    assertStillServing();
  }

  @Test
  void certificateEndorsedByAnotherKeyIsRefused() throws IOException {
    honestPair();
    // A stranger's TLS key presented under a member's name: the endorsement does not verify.
    RawPeer r = raw(RawPeer.forged(keyRaw.publicKey(), key("stranger")));
    assertTrue(r.handshake().isPresent());
    assertTrue(r.awaitClosedByNode(Duration.ofSeconds(5)));
    assertEquals(1.0, failed("handshake_failed"));
    assertFalse(peerKeys(a).contains(keyRaw.publicKey()));
    assertStillServing();
  }

  /** A member that authenticates, then breaks the stream with {@code attack}. */
  private void memberBreaksStream(RawPeerAction attack, DisconnectReason expected)
      throws IOException {
    honestPair();
    RawPeer r = raw(RawPeer.identity(keyRaw));
    assertTrue(r.handshake().isEmpty());
    Await.until("raw member admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    attack.run(r);
    assertTrue(r.awaitClosedByNode(Duration.ofSeconds(5)));
    Await.until("raw member gone", WAIT, () -> !peerKeys(a).contains(keyRaw.publicKey()));
    assertEquals(1.0, dropped(expected));
    assertTrue(a.isBanned(keyRaw.publicKey()), "stream breakers are banned");
    assertStillServing();
  }

  interface RawPeerAction {
    void run(RawPeer r) throws IOException;
  }

  @Test
  void memberSendingA2GbFrameIsDroppedAndBanned() throws IOException {
    memberBreaksStream(
        r -> r.sendSealed(new byte[] {0x7f, -1, -1, -1, 1, 2, 3}),
        DisconnectReason.FRAME_TOO_LARGE);
  }

  @Test
  void memberSendingATamperedTlsRecordIsDroppedAndBanned() throws IOException {
    memberBreaksStream(
        r -> {
          byte[] records = r.sealFrame(gossip("tampered"));
          records[records.length - 3] ^= 1; // inside the record's authentication tag
          r.writeRaw(records);
        },
        DisconnectReason.DECRYPTION_FAILED);
  }

  @Test
  void memberSendingRandomBytesInsideTheSessionIsDroppedAndBanned() throws IOException {
    memberBreaksStream(
        r -> {
          byte[] record = TestSupport.randomBytes(3, 5 + 48);
          record[0] = 0x17; // application data
          record[1] = 0x03;
          record[2] = 0x03;
          record[3] = 0;
          record[4] = 48;
          r.writeRaw(record);
        },
        DisconnectReason.DECRYPTION_FAILED);
  }

  @Test
  void memberSendingAMalformedEnvelopeIsDroppedAndBanned() throws IOException {
    memberBreaksStream(
        r -> r.sendFrame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}),
        DisconnectReason.MALFORMED_MESSAGE);
  }

  @Test
  void framesArrivingInArbitraryPiecesAreReassembled() throws Exception {
    honestPair();
    RawPeer r = raw(RawPeer.identity(keyRaw));
    assertTrue(r.handshake().isEmpty());
    Await.until("raw member admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    // A frame of several TLS records, then two small frames sent in a single write.
    String big = "pieces " + "x".repeat(70_000);
    byte[] frame = r.sealFrame(gossip(big));
    byte[] pair =
        concat(r.sealFrame(gossip("pieces small 1")), r.sealFrame(gossip("pieces small 2")));
    // Cut the record header, the frame's length prefix and record boundaries: pieces ending just
    // short of and just past the first record (5-byte header + 16 KiB + type byte + 16-byte tag).
    int first = 5 + 16384 + 1 + 16;
    int[] cuts = {1, 3, 5, 7, 9, 20, first - 1, first + 1, first + 7, 40_000, 40_001};
    int from = 0;
    for (int cut : cuts) {
      r.writeRaw(java.util.Arrays.copyOfRange(frame, from, cut));
      from = cut;
      Thread.sleep(20);
    }
    for (; from < frame.length; from += 4093) {
      r.writeRaw(java.util.Arrays.copyOfRange(frame, from, Math.min(frame.length, from + 4093)));
    }
    r.writeRaw(pair);
    Await.until(
        "all three relayed to b",
        WAIT,
        () -> atB.containsAll(Set.of(big, "pieces small 1", "pieces small 2")));
    assertTrue(peerKeys(a).contains(keyRaw.publicKey()), "an honest sender stays connected");
  }

  private static byte[] gossip(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    return Envelope.newBuilder()
        .setGossip(
            org.learnchain.proto.p2p.Gossip.newBuilder()
                .setTopic(TOPIC.name())
                .setMessageId(ByteString.copyFrom(Hashing.sha256(payload).toArray()))
                .setPayload(ByteString.copyFrom(payload)))
        .build()
        .toByteArray();
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }

  @Test
  void memberThatStopsReadingIsDroppedWhileOthersKeepReceiving() throws IOException {
    honestPair(
        fastConfig(0, List.of())
            .maxFrameBytes(256 * 1024)
            .blobChunkBytes(32 * 1024)
            .maxQueuedBytesPerPeer(2 * 1024 * 1024)
            .slowPeerGrace(Duration.ofMillis(500)),
        new InMemoryBlobStore());
    RawPeer sloth = raw(RawPeer.identity(keyRaw));
    assertTrue(sloth.handshake().isEmpty());
    Await.until("sloth admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    sloth.socket.setReceiveBufferSize(4096);
    // 400 x 60 KB: far more than socket buffers hold. Publishing is paced by b's progress, so b
    // is never the slow one; the sloth never reads a byte.
    int total = 400;
    for (int i = 0; i < total; i++) {
      byte[] payload = new byte[60_000];
      byte[] tag = ("bulk " + i).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(tag, 0, payload, 0, tag.length);
      a.publish(TOPIC, payload);
      int sent = i;
      Await.until("b keeps up", WAIT, () -> atB.size() >= sent - 4);
    }
    Await.until("b received everything", WAIT, () -> atB.size() >= total);
    Await.until("sloth dropped", WAIT, () -> !peerKeys(a).contains(keyRaw.publicKey()));
    assertEquals(1.0, dropped(DisconnectReason.OUTBOUND_QUEUE_FULL));
    assertTrue(count(metricsA, "p2p.messages.dropped", "reason", "peer_not_writable") > 0);
    assertStillServing();
  }

  @Test
  void corruptedChunkIsRefusedOnArrivalAndFetchedFromAnotherPeer() throws Exception {
    honestPair();
    int chunk = 64 * 1024;
    byte[] content = TestSupport.randomBytes(5, 16 * chunk);
    Hash hash = b.blobStore().put(content);
    RawPeer liar = raw(RawPeer.identity(keyRaw));
    assertTrue(liar.handshake().isEmpty());
    Await.until("liar admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    // The liar has the right manifest (anyone can copy one) but flips a bit in chunk 3.
    Thread server = new Thread(() -> serveBlob(liar, content, hash, chunk, 3), "liar");
    server.setDaemon(true);
    server.start();

    BlobResult r =
        a.fetchBlob(hash, 1 << 20, List.of(keyRaw.publicKey())).get(30, TimeUnit.SECONDS);
    BlobResult.Fetched f = assertInstanceOf(BlobResult.Fetched.class, r);
    assertEquals(Set.of(keyRaw.publicKey(), keyB.publicKey()), f.sources());
    byte[] back = new byte[content.length];
    a.blobStore().read(hash, 0, back, 0, back.length);
    assertArrayEquals(content, back);
    assertEquals(1.0, count(metricsA, "p2p.blob.chunks", "result", "rejected"));
    assertEquals(16.0, count(metricsA, "p2p.blob.chunks", "result", "accepted"));
    assertTrue(a.score(keyRaw.publicKey()) <= -50);
  }

  /** A member key's raw peer, admitted by a, serving {@code content} its way on its own thread. */
  private void liarServing(
      byte[] content, Hash hash, int chunk, int bad, boolean forge, int hangUpAfter)
      throws IOException {
    RawPeer liar = raw(RawPeer.identity(keyRaw));
    assertTrue(liar.handshake().isEmpty());
    Await.until("liar admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    Thread server =
        new Thread(() -> serveBlob(liar, content, hash, chunk, bad, forge, hangUpAfter), "liar");
    server.setDaemon(true);
    server.start();
  }

  private void assertStoredAtA(Hash hash, byte[] content) throws IOException {
    byte[] back = new byte[content.length];
    assertEquals(content.length, a.blobStore().read(hash, 0, back, 0, back.length));
    assertArrayEquals(content, back);
  }

  @Test
  void forgedManifestIsCaughtAtTheFirstChunkAndTheFetchRestartsUnderTheTrueOne() throws Exception {
    honestPair();
    int chunk = 64 * 1024;
    byte[] content = TestSupport.randomBytes(6, 16 * chunk);
    Hash hash = b.blobStore().put(content);
    // Its last prefix hash is the content hash (else the manifest is refused outright), the others
    // are forged; the chunks it serves are the true ones.
    liarServing(content, hash, chunk, -1, true, Integer.MAX_VALUE);

    BlobResult r =
        a.fetchBlob(hash, 1 << 20, List.of(keyRaw.publicKey())).get(30, TimeUnit.SECONDS);
    BlobResult.Fetched f = assertInstanceOf(BlobResult.Fetched.class, r);
    // Nothing taken under the forged manifest counts: every chunk came again from b.
    assertEquals(Set.of(keyB.publicKey()), f.sources());
    assertStoredAtA(hash, content);
    assertTrue(count(metricsA, "p2p.blob.chunks", "result", "rejected") >= 1);
    assertEquals(16.0, count(metricsA, "p2p.blob.chunks", "result", "accepted"));
    assertTrue(a.score(keyRaw.publicKey()) <= -50);
    assertEquals(0, a.score(keyB.publicKey()));
  }

  @Test
  void manifestWhoseLastPrefixIsNotTheContentHashIsRefusedAndAnotherPeerServes() throws Exception {
    honestPair();
    int chunk = 64 * 1024;
    byte[] content = TestSupport.randomBytes(7, 8 * chunk);
    Hash hash = b.blobStore().put(content);
    // A manifest for other bytes under this hash: its prefix hashes end elsewhere.
    byte[] other = content.clone();
    other[5] ^= 1;
    RawPeer liar = raw(RawPeer.identity(keyRaw));
    assertTrue(liar.handshake().isEmpty());
    Await.until("liar admitted", WAIT, () -> peerKeys(a).contains(keyRaw.publicKey()));
    Thread server =
        new Thread(
            () -> {
              try {
                while (true) {
                  Envelope e = liar.receive();
                  if (e.hasRequest() && e.getRequest().hasBlobManifest()) {
                    BlobManifest.Builder m =
                        BlobManifest.newBuilder()
                            .setContentHash(ByteString.copyFrom(hash.toArray()))
                            .setSize(other.length)
                            .setChunkSize(chunk);
                    for (int off = 0; off < other.length; off += chunk) {
                      m.addPrefixHashes(
                          ByteString.copyFrom(Hashing.sha256(other, 0, off + chunk).toArray()));
                    }
                    liar.send(
                        Envelope.newBuilder()
                            .setResponse(
                                Response.newBuilder()
                                    .setId(e.getRequest().getId())
                                    .setBlobManifest(m))
                            .build());
                  }
                }
              } catch (IOException e) {
                // hung up on
              }
            },
            "liar");
    server.setDaemon(true);
    server.start();

    BlobResult r =
        a.fetchBlob(hash, 1 << 20, List.of(keyRaw.publicKey())).get(30, TimeUnit.SECONDS);
    BlobResult.Fetched f = assertInstanceOf(BlobResult.Fetched.class, r);
    assertEquals(Set.of(keyB.publicKey()), f.sources());
    assertStoredAtA(hash, content);
    assertEquals(0.0, count(metricsA, "p2p.blob.chunks", "result", "rejected"));
    assertTrue(a.score(keyRaw.publicKey()) < 0, "a false manifest costs its sender");
  }

  @Test
  void sourceHangingUpMidBlobIsResumedFromAnotherPeerKeepingVerifiedChunks() throws Exception {
    honestPair();
    int chunk = 64 * 1024;
    byte[] content = TestSupport.randomBytes(8, 16 * chunk);
    Hash hash = b.blobStore().put(content);
    // Honest bytes, then the connection drops after five chunk answers.
    liarServing(content, hash, chunk, -1, false, 5);

    BlobResult r =
        a.fetchBlob(hash, 1 << 20, List.of(keyRaw.publicKey())).get(30, TimeUnit.SECONDS);
    BlobResult.Fetched f = assertInstanceOf(BlobResult.Fetched.class, r);
    assertEquals(Set.of(keyRaw.publicKey(), keyB.publicKey()), f.sources());
    assertStoredAtA(hash, content);
    // Resumed under the same manifest: no chunk was refused or taken twice.
    assertEquals(0.0, count(metricsA, "p2p.blob.chunks", "result", "rejected"));
    assertEquals(16.0, count(metricsA, "p2p.blob.chunks", "result", "accepted"));
  }

  @Test
  void blobWithNoHonestSourceIsNotStored() throws Exception {
    honestPair();
    int chunk = 64 * 1024;
    byte[] content = TestSupport.randomBytes(9, 8 * chunk);
    Hash hash = Hashing.sha256(content);
    // Only the liar has it (b does not), and it corrupts chunk 2.
    liarServing(content, hash, chunk, 2, false, Integer.MAX_VALUE);

    BlobResult r =
        a.fetchBlob(hash, 1 << 20, List.of(keyRaw.publicKey())).get(30, TimeUnit.SECONDS);
    assertInstanceOf(BlobResult.Failed.class, r);
    assertFalse(a.blobStore().contains(hash), "nothing unverified is stored");
    assertEquals(1.0, count(metricsA, "p2p.blob.chunks", "result", "rejected"));
    assertTrue(a.score(keyRaw.publicKey()) <= -50);
    assertStillServing();
  }

  /** Answers manifest and chunk requests for one blob, corrupting chunk {@code bad}. */
  private static void serveBlob(RawPeer r, byte[] content, Hash hash, int chunk, int bad) {
    serveBlob(r, content, hash, chunk, bad, false, Integer.MAX_VALUE);
  }

  /**
   * Answers manifest and chunk requests for one blob: corrupts chunk {@code bad} (-1: none), sends
   * a manifest whose prefix hashes before the last are forged when {@code forgeManifest}, and hangs
   * up after answering {@code chunksBeforeHangUp} chunk requests.
   */
  private static void serveBlob(
      RawPeer r,
      byte[] content,
      Hash hash,
      int chunk,
      int bad,
      boolean forgeManifest,
      int chunksBeforeHangUp) {
    int served = 0;
    try {
      while (true) {
        Envelope e = r.receive();
        if (!e.hasRequest()) {
          continue;
        }
        Response.Builder resp = Response.newBuilder().setId(e.getRequest().getId());
        if (e.getRequest().hasBlobManifest()) {
          BlobManifest.Builder m =
              BlobManifest.newBuilder()
                  .setContentHash(ByteString.copyFrom(hash.toArray()))
                  .setSize(content.length)
                  .setChunkSize(chunk);
          for (int off = 0; off < content.length; off += chunk) {
            int end = Math.min(content.length, off + chunk);
            Hash prefix =
                forgeManifest && end < content.length
                    ? Hashing.sha256(("forged " + off).getBytes(StandardCharsets.UTF_8))
                    : Hashing.sha256(content, 0, end);
            m.addPrefixHashes(ByteString.copyFrom(prefix.toArray()));
          }
          resp.setBlobManifest(m);
        } else if (e.getRequest().hasBlobChunk()) {
          if (served++ >= chunksBeforeHangUp) {
            r.close();
            return;
          }
          int off = (int) e.getRequest().getBlobChunk().getOffset();
          byte[] data =
              java.util.Arrays.copyOfRange(
                  content, off, off + e.getRequest().getBlobChunk().getLength());
          if (off == bad * chunk) {
            data[100] ^= 1;
          }
          resp.setBlobChunk(
              BlobChunk.newBuilder().setOffset(off).setData(ByteString.copyFrom(data)));
        } else {
          continue;
        }
        r.send(Envelope.newBuilder().setResponse(resp).build());
      }
    } catch (IOException e) {
      // the node hung up on us: the test is over for this peer
    }
  }

  @Test
  void hundredMegabyteBlobArrivesIntactIntoAFileStore(@TempDir Path dir) throws Exception {
    FileBlobStore store = new FileBlobStore(dir);
    honestPair(
        fastConfig(0, List.of()).blobChunkBytes(1 << 20).blobWindow(8),
        store,
        fastConfig(0, List.of()).blobChunkBytes(1 << 20));
    byte[] content = TestSupport.randomBytes(100, 100 * 1024 * 1024);
    Hash hash = b.blobStore().put(content);
    long t0 = System.nanoTime();
    BlobResult r = a.fetchBlob(hash, 256L << 20).get(60, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    BlobResult.Fetched f = assertInstanceOf(BlobResult.Fetched.class, r);
    assertEquals(content.length, f.size());
    assertTrue(store.verify(hash), "stored blob hashes to its name");
    byte[] tail = new byte[4096];
    store.read(hash, content.length - tail.length, tail, 0, tail.length);
    assertArrayEquals(
        java.util.Arrays.copyOfRange(content, content.length - tail.length, content.length), tail);
    assertEquals(100.0, count(metricsA, "p2p.blob.chunks", "result", "accepted"));
    assertFalse(f.sources().isEmpty());
    System.out.println("100 MB blob fetched in " + ms + " ms");
  }
}
