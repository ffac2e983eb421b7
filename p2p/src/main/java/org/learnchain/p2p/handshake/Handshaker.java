package org.learnchain.p2p.handshake;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.core.LogText;
import org.learnchain.proto.p2p.HandshakeFinish;
import org.learnchain.proto.p2p.HandshakeHello;
import org.learnchain.proto.p2p.HandshakeMessage;
import org.learnchain.proto.p2p.HandshakeReject;

/**
 * The session handshake as a transport-free state machine (the Netty handler and test clients drive
 * it with messages).
 *
 * <pre>
 *   initiator -> responder : init     {version, chain id, genesis hash, ephemeral X25519 key, node key}
 *   responder -> initiator : response {the same for the responder, Sig_R(transcript, "responder")}
 *   initiator -> responder : finish   {Sig_I(transcript, "initiator")}
 * </pre>
 *
 * The transcript is the canonical encoding of both ephemeral keys, both node keys, the chain id,
 * the protocol version and the genesis hash; both signatures are Ed25519 in the {@code
 * P2P_HANDSHAKE} domain of the chain. Session keys come from HKDF-SHA256 over the X25519 shared
 * secret, salted with the transcript hash, so each side's signature binds its member identity to
 * exactly this key exchange: a man in the middle cannot substitute its own ephemeral key without
 * forging a member signature.
 *
 * <p>Cheap checks (version, chain, genesis, message shape, membership) run before any curve
 * operation, so a stranger costs one parse. Not thread-safe: one instance per connection.
 */
public final class Handshaker {
  /** Largest handshake frame body either side accepts. */
  public static final int MAX_MESSAGE_BYTES = 1024;

  private static final byte ROLE_INITIATOR = 1;
  private static final byte ROLE_RESPONDER = 2;
  private static final byte[] KEY_INFO =
      "learnchain/p2p/v1 session keys".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final String TRANSCRIPT_LABEL = "learnchain/p2p/handshake/v1";

  /** What both sides must agree on, and this side's identity. */
  public record Params(String chainId, int protocolVersion, Hash genesisHash, PrivateKey nodeKey) {
    public Params {
      Objects.requireNonNull(chainId, "chainId");
      Objects.requireNonNull(genesisHash, "genesisHash");
      Objects.requireNonNull(nodeKey, "nodeKey");
    }
  }

  /**
   * Decides whether a claimed key may hold a session (member, not banned, not this node, room
   * left), before any signature is checked; empty means admitted.
   */
  @FunctionalInterface
  public interface Admission {
    Optional<DisconnectReason> check(PublicKey peer);
  }

  /** What the driver must do next. */
  public sealed interface Step {
    /** Send this message and wait for the next. */
    record Send(HandshakeMessage message) implements Step {}

    /**
     * Authenticated: send {@code last} if present, then switch the connection to encrypted frames
     * with {@code keys}.
     */
    record Done(PublicKey peer, SessionKeys keys, Optional<HandshakeMessage> last)
        implements Step {}

    /**
     * Refuse: send {@code reject} if present (a reason for the other operator's logs), then close.
     */
    record Fail(DisconnectReason reason, String detail, Optional<HandshakeMessage> reject)
        implements Step {}
  }

  private enum Stage {
    INITIAL,
    AWAIT_RESPONSE,
    AWAIT_INIT,
    AWAIT_FINISH,
    DONE,
    FAILED
  }

  private final Params params;
  private final SigningDomain domain;
  private final Admission admission;
  private final Optional<PublicKey> expectedPeer;
  private final boolean initiator;
  private final byte[] ephemeralPrivate = new byte[X25519.SCALAR_SIZE];
  private final byte[] ephemeralPublic = new byte[X25519.POINT_SIZE];
  private Stage stage;
  private PublicKey peer;
  private byte[] transcript;
  private SessionKeys keys;

  private Handshaker(
      Params params,
      Admission admission,
      Optional<PublicKey> expectedPeer,
      boolean initiator,
      SecureRandom random) {
    this.params = params;
    this.domain = SigningDomain.of(params.chainId(), MessageType.P2P_HANDSHAKE);
    this.admission = admission;
    this.expectedPeer = expectedPeer;
    this.initiator = initiator;
    X25519.generatePrivateKey(random, ephemeralPrivate);
    X25519.generatePublicKey(ephemeralPrivate, 0, ephemeralPublic, 0);
    this.stage = initiator ? Stage.INITIAL : Stage.AWAIT_INIT;
  }

  /**
   * The side that opened the connection.
   *
   * @param expectedPeer the key the dialled address is known to belong to, if any
   */
  public static Handshaker initiator(
      Params params, Admission admission, Optional<PublicKey> expectedPeer, SecureRandom random) {
    return new Handshaker(params, admission, expectedPeer, true, random);
  }

  public static Handshaker responder(Params params, Admission admission, SecureRandom random) {
    return new Handshaker(params, admission, Optional.empty(), false, random);
  }

  public boolean isInitiator() {
    return initiator;
  }

  /** The initiator's first message; only valid once, on the initiator. */
  public HandshakeMessage start() {
    if (!initiator || stage != Stage.INITIAL) {
      throw new IllegalStateException("start() is the initiator's first step");
    }
    stage = Stage.AWAIT_RESPONSE;
    return HandshakeMessage.newBuilder().setInit(hello(ByteString.EMPTY)).build();
  }

  /** Feeds the next message from the other side. */
  public Step onMessage(HandshakeMessage message) {
    Step step = advance(message);
    if (step instanceof Step.Fail) {
      stage = Stage.FAILED;
      wipe();
    }
    return step;
  }

  private Step advance(HandshakeMessage message) {
    if (message.hasReject()) {
      return fail(
          DisconnectReason.HANDSHAKE_FAILED,
          "peer refused: " + LogText.printable(message.getReject().getReason()),
          false);
    }
    switch (stage) {
      case AWAIT_INIT:
        if (!message.hasInit()) {
          return fail(DisconnectReason.HANDSHAKE_FAILED, "expected init", false);
        }
        return onInit(message.getInit());
      case AWAIT_RESPONSE:
        if (!message.hasResponse()) {
          return fail(DisconnectReason.HANDSHAKE_FAILED, "expected response", false);
        }
        return onResponse(message.getResponse());
      case AWAIT_FINISH:
        if (!message.hasFinish()) {
          return fail(DisconnectReason.HANDSHAKE_FAILED, "expected finish", false);
        }
        return onFinish(message.getFinish());
      default:
        return fail(DisconnectReason.HANDSHAKE_FAILED, "message after stage " + stage, false);
    }
  }

  private Step onInit(HandshakeHello init) {
    Optional<Step> bad = checkHello(init, false);
    if (bad.isPresent()) {
      return bad.get();
    }
    peer = PublicKey.wrap(init.getNodeKey().toByteArray());
    byte[] peerEphemeral = init.getEphemeralKey().toByteArray();
    transcript = transcript(peerEphemeral, ephemeralPublic, peer, params.nodeKey().publicKey());
    Optional<SessionKeys> derived = deriveKeys(peerEphemeral);
    if (derived.isEmpty()) {
      return fail(DisconnectReason.HANDSHAKE_FAILED, "degenerate ephemeral key", false);
    }
    keys = derived.get();
    Signature sig = Ed25519Signatures.sign(params.nodeKey(), domain, signed(ROLE_RESPONDER));
    stage = Stage.AWAIT_FINISH;
    return new Step.Send(
        HandshakeMessage.newBuilder()
            .setResponse(hello(ByteString.copyFrom(sig.toArray())))
            .build());
  }

  private Step onResponse(HandshakeHello response) {
    Optional<Step> bad = checkHello(response, true);
    if (bad.isPresent()) {
      return bad.get();
    }
    PublicKey responder = PublicKey.wrap(response.getNodeKey().toByteArray());
    byte[] peerEphemeral = response.getEphemeralKey().toByteArray();
    transcript =
        transcript(ephemeralPublic, peerEphemeral, params.nodeKey().publicKey(), responder);
    Signature sig = Signature.wrap(response.getSignature().toByteArray());
    if (!Ed25519Signatures.verify(responder, domain, signed(ROLE_RESPONDER), sig)) {
      return fail(DisconnectReason.HANDSHAKE_FAILED, "bad responder signature", true);
    }
    Optional<SessionKeys> derived = deriveKeys(peerEphemeral);
    if (derived.isEmpty()) {
      return fail(DisconnectReason.HANDSHAKE_FAILED, "degenerate ephemeral key", false);
    }
    peer = responder;
    keys = derived.get();
    Signature mine = Ed25519Signatures.sign(params.nodeKey(), domain, signed(ROLE_INITIATOR));
    stage = Stage.DONE;
    wipe();
    return new Step.Done(
        peer,
        keys,
        Optional.of(
            HandshakeMessage.newBuilder()
                .setFinish(
                    HandshakeFinish.newBuilder().setSignature(ByteString.copyFrom(mine.toArray())))
                .build()));
  }

  private Step onFinish(HandshakeFinish finish) {
    if (finish.getSignature().size() != Signature.LENGTH) {
      return fail(DisconnectReason.HANDSHAKE_FAILED, "malformed finish", false);
    }
    Signature sig = Signature.wrap(finish.getSignature().toByteArray());
    if (!Ed25519Signatures.verify(peer, domain, signed(ROLE_INITIATOR), sig)) {
      return fail(DisconnectReason.HANDSHAKE_FAILED, "bad initiator signature", true);
    }
    stage = Stage.DONE;
    wipe();
    return new Step.Done(peer, keys, Optional.empty());
  }

  /** Shape, agreement and admission checks; none of them touches a curve. */
  private Optional<Step> checkHello(HandshakeHello hello, boolean expectSignature) {
    if (hello.getEphemeralKey().size() != X25519.POINT_SIZE
        || hello.getNodeKey().size() != PublicKey.LENGTH
        || hello.getGenesisHash().size() != Hash.LENGTH
        || hello.getSignature().size() != (expectSignature ? Signature.LENGTH : 0)) {
      return Optional.of(fail(DisconnectReason.HANDSHAKE_FAILED, "malformed hello", false));
    }
    if (hello.getProtocolVersion() != params.protocolVersion()) {
      return Optional.of(
          fail(
              DisconnectReason.VERSION_MISMATCH,
              "peer version " + hello.getProtocolVersion() + ", ours " + params.protocolVersion(),
              true));
    }
    if (!hello.getChainId().equals(params.chainId())) {
      return Optional.of(
          fail(
              DisconnectReason.CHAIN_MISMATCH,
              "peer chain '" + LogText.printable(hello.getChainId()) + "'",
              true));
    }
    if (!Hash.wrap(hello.getGenesisHash().toByteArray()).equals(params.genesisHash())) {
      return Optional.of(fail(DisconnectReason.GENESIS_MISMATCH, "peer genesis differs", true));
    }
    PublicKey claimed = PublicKey.wrap(hello.getNodeKey().toByteArray());
    if (expectedPeer.isPresent() && !expectedPeer.get().equals(claimed)) {
      return Optional.of(
          fail(
              DisconnectReason.UNEXPECTED_KEY,
              "dialled " + shortKey(expectedPeer.get()) + ", got " + shortKey(claimed),
              true));
    }
    Optional<DisconnectReason> refused = admission.check(claimed);
    if (refused.isPresent()) {
      return Optional.of(fail(refused.get(), "key " + shortKey(claimed), true));
    }
    return Optional.empty();
  }

  private HandshakeHello hello(ByteString signature) {
    return HandshakeHello.newBuilder()
        .setProtocolVersion(params.protocolVersion())
        .setChainId(params.chainId())
        .setGenesisHash(ByteString.copyFrom(params.genesisHash().toArray()))
        .setEphemeralKey(ByteString.copyFrom(ephemeralPublic))
        .setNodeKey(ByteString.copyFrom(params.nodeKey().publicKey().toArray()))
        .setSignature(signature)
        .build();
  }

  private byte[] transcript(
      byte[] initiatorEphemeral,
      byte[] responderEphemeral,
      PublicKey initiatorKey,
      PublicKey responderKey) {
    return new CanonicalWriter(256)
        .string(TRANSCRIPT_LABEL)
        .i32(params.protocolVersion())
        .string(params.chainId())
        .hash(params.genesisHash())
        .fixed(initiatorEphemeral)
        .fixed(responderEphemeral)
        .publicKey(initiatorKey)
        .publicKey(responderKey)
        .toByteArray();
  }

  /** The signed payload: the transcript and the signer's role, so no signature can be reflected. */
  private byte[] signed(byte role) {
    byte[] out = Arrays.copyOf(transcript, transcript.length + 1);
    out[transcript.length] = role;
    return out;
  }

  private Optional<SessionKeys> deriveKeys(byte[] peerEphemeral) {
    byte[] shared = new byte[X25519.POINT_SIZE];
    // calculateAgreement is false for an all-zero result (a low-order peer point).
    if (!X25519.calculateAgreement(ephemeralPrivate, 0, peerEphemeral, 0, shared, 0)) {
      return Optional.empty();
    }
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, Hashing.sha256(transcript).toArray(), KEY_INFO));
    byte[] okm = new byte[64];
    hkdf.generateBytes(okm, 0, okm.length);
    byte[] initiatorToResponder = Arrays.copyOfRange(okm, 0, 32);
    byte[] responderToInitiator = Arrays.copyOfRange(okm, 32, 64);
    SessionKeys k =
        initiator
            ? new SessionKeys(initiatorToResponder, responderToInitiator)
            : new SessionKeys(responderToInitiator, initiatorToResponder);
    Arrays.fill(shared, (byte) 0);
    Arrays.fill(okm, (byte) 0);
    Arrays.fill(initiatorToResponder, (byte) 0);
    Arrays.fill(responderToInitiator, (byte) 0);
    return Optional.of(k);
  }

  private Step.Fail fail(DisconnectReason reason, String detail, boolean tellPeer) {
    Optional<HandshakeMessage> reject =
        tellPeer
            ? Optional.of(
                HandshakeMessage.newBuilder()
                    .setReject(HandshakeReject.newBuilder().setReason(reason.code()))
                    .build())
            : Optional.empty();
    return new Step.Fail(reason, detail, reject);
  }

  private void wipe() {
    Arrays.fill(ephemeralPrivate, (byte) 0);
  }

  private static String shortKey(PublicKey key) {
    return key.toHex().substring(0, 8);
  }
}
