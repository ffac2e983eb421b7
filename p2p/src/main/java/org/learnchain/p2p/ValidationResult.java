package org.learnchain.p2p;

/** A subscriber's verdict on a gossip message, given before the message is relayed. */
public enum ValidationResult {
  /** Valid: deliver to the subscriber and relay to the other peers. */
  ACCEPT,
  /** Not useful now (stale, duplicate by content, not yet verifiable): drop without penalty. */
  IGNORE,
  /** Invalid: drop, do not relay, and lower the reputation of the peer that sent it. */
  REJECT
}
