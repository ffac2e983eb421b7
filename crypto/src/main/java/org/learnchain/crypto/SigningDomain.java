package org.learnchain.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The prefix put in front of every signed payload: {@code "learnchain/sig/v1" 0x00 len(chainId)
 * chainId len(tag) tag}. Binding the chain id and the message type into the signed bytes makes a
 * signature valid for exactly one chain and one purpose. The prefix is computed once per domain and
 * reused.
 */
public final class SigningDomain {
  private static final byte[] MAGIC = "learnchain/sig/v1\0".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_CHAIN_ID_BYTES = 64;

  private final String chainId;
  private final MessageType type;
  private final byte[] prefix;

  private SigningDomain(String chainId, MessageType type) {
    byte[] id = chainId.getBytes(StandardCharsets.UTF_8);
    if (id.length == 0 || id.length > MAX_CHAIN_ID_BYTES) {
      throw new IllegalArgumentException(
          "chain id must be 1..64 bytes of UTF-8: '" + chainId + "'");
    }
    byte[] tag = type.tag().getBytes(StandardCharsets.US_ASCII);
    prefix = new byte[MAGIC.length + 1 + id.length + 1 + tag.length];
    int o = 0;
    System.arraycopy(MAGIC, 0, prefix, o, MAGIC.length);
    o += MAGIC.length;
    prefix[o++] = (byte) id.length;
    System.arraycopy(id, 0, prefix, o, id.length);
    o += id.length;
    prefix[o++] = (byte) tag.length;
    System.arraycopy(tag, 0, prefix, o, tag.length);
    this.chainId = chainId;
    this.type = type;
  }

  public static SigningDomain of(String chainId, MessageType type) {
    return new SigningDomain(chainId, type);
  }

  public String chainId() {
    return chainId;
  }

  public MessageType type() {
    return type;
  }

  /** The exact bytes that are signed for {@code payload} in this domain. */
  public byte[] message(byte[] payload) {
    byte[] m = new byte[prefix.length + payload.length];
    System.arraycopy(prefix, 0, m, 0, prefix.length);
    System.arraycopy(payload, 0, m, prefix.length, payload.length);
    return m;
  }
}
