package org.learnchain.p2p;

/**
 * Why a connection ended. The code is what logs, metrics (a bounded tag set) and the {@code
 * Disconnect} message carry.
 */
public enum DisconnectReason {
  HANDSHAKE_TIMEOUT("handshake_timeout"),
  HANDSHAKE_FAILED("handshake_failed"),
  TOO_MANY_HANDSHAKES("too_many_handshakes"),
  VERSION_MISMATCH("version_mismatch"),
  CHAIN_MISMATCH("chain_mismatch"),
  GENESIS_MISMATCH("genesis_mismatch"),
  NOT_A_MEMBER("not_a_member"),
  UNEXPECTED_KEY("unexpected_key"),
  BANNED("banned"),
  /** On the operator's runtime deny list. */
  DENIED("denied"),
  SELF("self"),
  DUPLICATE("duplicate"),
  TOO_MANY_PEERS("too_many_peers"),
  FRAME_TOO_LARGE("frame_too_large"),
  DECRYPTION_FAILED("decryption_failed"),
  MALFORMED_MESSAGE("malformed_message"),
  REPUTATION("reputation"),
  OUTBOUND_QUEUE_FULL("outbound_queue_full"),
  IDLE("idle"),
  REMOTE_REQUESTED("remote_requested"),
  CONNECTION_CLOSED("connection_closed"),
  IO_ERROR("io_error"),
  SHUTDOWN("shutdown");

  private final String code;

  DisconnectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }
}
