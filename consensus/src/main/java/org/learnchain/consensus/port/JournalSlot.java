package org.learnchain.consensus.port;

import java.util.Optional;

/**
 * Which message of a height a {@link SigningJournal} entry holds: a kind and, for kinds a height
 * has several of, an index (the agreement round, or the certificate attempt).
 *
 * <p>The encoding is frozen, like the store's column ids: journals written by an earlier version
 * must still be found after an upgrade, or a restarted validator could sign a second, conflicting
 * message for a slot it already used. Each kind's token never changes and never gets reused; a new
 * kind takes a new token. {@code JournalSlotTest} pins every encoding.
 */
public record JournalSlot(Kind kind, int index) {

  /** The kinds of journaled messages with their frozen tokens. */
  public enum Kind {
    /** This miner's model commit of the useful-work round. */
    MODEL_COMMIT("commit", false),
    /** This miner's prediction commit. */
    PREDICTION("prediction", false),
    /** The submitter's reveal of the test inputs. */
    TEST_REVEAL("test-reveal", false),
    /** The submitter's reveal of the labels. */
    LABEL_REVEAL("label-reveal", false),
    /** The submitter's winner certificate; index: the attempt. */
    CERTIFICATE("certificate", true),
    /** This proposer's proposal (with its block); index: the agreement round. */
    PROPOSAL("proposal", true),
    /** This validator's prevote; index: the agreement round. */
    PREVOTE("prevote", true),
    /** This validator's precommit; index: the agreement round. */
    PRECOMMIT("precommit", true),
    /** The block this validator locked on; index: the round of the lock. */
    LOCKED_BLOCK("locked-block", true),
    /** The prevote quorum that justified the lock; index: the round of the lock. */
    LOCK_PROOF("lock-proof", true),
    /** The commit certificate of the height, journaled before the block is stored. */
    DECISION("decision", false);

    private final String token;
    private final boolean indexed;

    Kind(String token, boolean indexed) {
      this.token = token;
      this.indexed = indexed;
    }

    public String token() {
      return token;
    }

    public boolean indexed() {
      return indexed;
    }
  }

  public JournalSlot {
    if (kind == null) {
      throw new IllegalArgumentException("journal slot kind is null");
    }
    if (kind.indexed ? index < 0 : index != 0) {
      throw new IllegalArgumentException("journal slot " + kind + " with index " + index);
    }
  }

  /** A slot of a kind that a height holds once. */
  public static JournalSlot of(Kind kind) {
    return new JournalSlot(kind, 0);
  }

  /** A slot of an indexed kind (round or attempt {@code index}). */
  public static JournalSlot of(Kind kind, int index) {
    return new JournalSlot(kind, index);
  }

  /** The frozen encoding: the kind's token, then {@code /index} for indexed kinds. */
  public String encode() {
    return kind.indexed ? kind.token + "/" + index : kind.token;
  }

  /**
   * Parses a stored encoding; empty for anything this version did not write (an unknown token, a
   * missing or malformed index, an index on a kind that has none).
   */
  public static Optional<JournalSlot> decode(String encoded) {
    int slash = encoded.indexOf('/');
    String token = slash < 0 ? encoded : encoded.substring(0, slash);
    for (Kind k : Kind.values()) {
      if (!k.token.equals(token)) {
        continue;
      }
      if (!k.indexed) {
        return slash < 0 ? Optional.of(of(k)) : Optional.empty();
      }
      if (slash < 0) {
        return Optional.empty();
      }
      String digits = encoded.substring(slash + 1);
      if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      return Optional.of(of(k, Integer.parseInt(digits)));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return encode();
  }
}
