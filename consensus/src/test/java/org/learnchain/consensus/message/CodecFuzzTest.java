package org.learnchain.consensus.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.fuzz.FuzzMessages;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;

/**
 * Fuzzes {@link Codec#decode} for every kind of gossiped consensus message, and for kinds that are
 * not consensus messages. Byte 0 picks the kind from {@link #KINDS} (modulo its length), the rest
 * is the message. The contract checked: an {@link Result.Err} with a one-line reason or an {@link
 * Result.Ok}, never an exception; allocation in proportion to the input; an accepted message is
 * canonical (it re-encodes to the same bytes, so its id is the hash of what was received) and its
 * signature check answers without throwing.
 */
class CodecFuzzTest {
  /** Frozen order: saved inputs name a kind by its index here. */
  static final List<MessageType> KINDS =
      List.of(
          MessageType.MODEL_COMMIT,
          MessageType.TEST_REVEAL,
          MessageType.PREDICTION_COMMIT,
          MessageType.LABEL_REVEAL,
          MessageType.WINNER_CERTIFICATE,
          MessageType.MISCONDUCT_REPORT,
          MessageType
              .ATTESTATION, // retired: decodes to an error now, kept so saved inputs keep their
          // kind
          MessageType.TRANSACTION,
          MessageType.BLOCK,
          MessageType.PROPOSAL,
          MessageType.PREVOTE,
          MessageType.PRECOMMIT);

  @FuzzTest(maxDuration = "3m")
  void decodeEveryKind(byte[] data) {
    if (data.length == 0) {
      return;
    }
    MessageType kind = KINDS.get((data[0] & 0xff) % KINDS.size());
    byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
    Result<ConsensusMessage> r =
        ThreadAllocations.bounded(bytes.length, () -> Codec.decode(kind, bytes));
    if (r instanceof Result.Ok<ConsensusMessage> ok) {
      ConsensusMessage m = ok.value();
      assertEquals(kind, m.type());
      assertArrayEquals(bytes, m.encode(), "accepted a non-canonical " + kind.tag());
      m.verifySignature(FuzzMessages.DOMAINS);
    } else {
      String reason = r.reason();
      assertFalse(reason.contains("\n"), reason);
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (ConsensusMessage m : FuzzMessages.oneOfEach()) {
      byte[] enc = m.encode();
      byte[] seed = new byte[enc.length + 1];
      seed[0] = (byte) KINDS.indexOf(m.type());
      System.arraycopy(enc, 0, seed, 1, enc.length);
      seeds.put(m.type().name().toLowerCase(Locale.ROOT), seed);
    }
    return seeds;
  }

  @Test
  void seedsAreValidMessagesAndSaved() {
    for (byte[] seed : seeds().values()) {
      MessageType kind = KINDS.get(seed[0]);
      Result<ConsensusMessage> r = Codec.decode(kind, Arrays.copyOfRange(seed, 1, seed.length));
      assertTrue(r.isOk(), () -> kind + ": " + r);
      assertTrue(r.value().verifySignature(FuzzMessages.DOMAINS));
      decodeEveryKind(seed);
    }
    FuzzInputs.sync(getClass(), "decodeEveryKind", seeds());
  }
}
