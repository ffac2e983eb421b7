package org.learnchain.consensus.port;

import java.util.Optional;

/**
 * Durable record of every message this node signed, written before the message leaves the node
 * (restart safety). Keyed by round and a {@link JournalSlot}: the message's kind and, where a round
 * has several of that kind, which one (for example the certificate attempt). After a crash the node
 * finds what it already signed and re-sends exactly that instead of signing something else.
 */
public interface SigningJournal {

  /** The encoded signed message recorded for {@code (round, slot)}, if any. */
  Optional<byte[]> find(long round, JournalSlot slot);

  /**
   * Records {@code message} for {@code (round, slot)}; returns only once it is durable. Entries are
   * never overwritten: recording a slot that is already taken is a bug in the caller.
   */
  void record(long round, JournalSlot slot, byte[] message);

  /**
   * The slots recorded for {@code round} (after a restart: what was signed at that height); entries
   * this version cannot read are left out.
   */
  java.util.List<JournalSlot> slots(long round);

  /** Drops entries of rounds below {@code round} (they can no longer conflict with anything). */
  void pruneBelow(long round);
}
