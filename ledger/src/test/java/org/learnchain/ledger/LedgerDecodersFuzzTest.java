package org.learnchain.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ledger.state.StateTransition;

/**
 * Fuzzes the ledger's decoders of untrusted bytes: transactions (gRPC submissions, gossip), blocks
 * and headers (gossip, sync, storage reads). The contract checked for each: the answer is {@link
 * Decoded.Ok} or {@link Decoded.Malformed}, never an exception; decoding allocates in proportion to
 * the input whatever its length prefixes and counts claim; an accepted input is canonical (it
 * re-encodes to the same bytes, so its hash is the hash of what was received); and the accepted
 * value's own checks (signature, body consistency) answer without throwing.
 */
class LedgerDecodersFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void signedTransaction(byte[] bytes) {
    Decoded<SignedTransaction> d =
        ThreadAllocations.bounded(bytes.length, () -> SignedTransaction.tryDecode(bytes));
    if (d instanceof Decoded.Ok<SignedTransaction> ok) {
      SignedTransaction tx = ok.value();
      assertArrayEquals(bytes, tx.encode(), "accepted a non-canonical transaction");
      assertEquals(Hashing.sha256(bytes), tx.hash());
      tx.verifySignature();
    } else {
      assertNotNull(((Decoded.Malformed<SignedTransaction>) d).reason());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void block(byte[] bytes) {
    Decoded<Block> d = ThreadAllocations.bounded(bytes.length, () -> Block.tryDecode(bytes));
    if (d instanceof Decoded.Ok<Block> ok) {
      Block b = ok.value();
      assertArrayEquals(bytes, b.encode(), "accepted a non-canonical block");
      Optional<String> body = b.checkBody();
      assertNotNull(body);
      b.verifySignature(Fixtures.CHAIN);
    } else {
      assertNotNull(((Decoded.Malformed<Block>) d).reason());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void blockHeader(byte[] bytes) {
    Decoded<BlockHeader> d =
        ThreadAllocations.bounded(bytes.length, () -> BlockHeader.tryDecode(bytes));
    if (d instanceof Decoded.Ok<BlockHeader> ok) {
      assertArrayEquals(bytes, ok.value().encode(), "accepted a non-canonical header");
      assertEquals(Hashing.sha256(bytes), ok.value().hash());
    } else {
      assertNotNull(((Decoded.Malformed<BlockHeader>) d).reason());
    }
  }

  /** One transaction of every kind, signed by fixture keys. */
  static List<SignedTransaction> everyKind() {
    return List.of(
        SignedTransaction.sign(
            Fixtures.key(0), Fixtures.CHAIN, 0, 10, new Transfer(Fixtures.address(1), 5)),
        SignedTransaction.sign(
            Fixtures.key(1), Fixtures.CHAIN, 3, 20, Fixtures.problem(5_000, "seed")),
        SignedTransaction.sign(Fixtures.key(2), Fixtures.CHAIN, 1, 10, new Stake(100)),
        SignedTransaction.sign(Fixtures.key(2), Fixtures.CHAIN, 2, 10, new Unstake(40)),
        SignedTransaction.sign(
            Fixtures.key(3), Fixtures.CHAIN, 0, 10, new Delegate(Fixtures.address(0), 7)),
        SignedTransaction.sign(
            Fixtures.key(3), Fixtures.CHAIN, 1, 10, new Undelegate(Fixtures.address(0), 7)),
        SignedTransaction.sign(
            Fixtures.key(4),
            Fixtures.CHAIN,
            0,
            10,
            new Evidence("proof".getBytes(StandardCharsets.UTF_8))));
  }

  static List<Block> blocks() {
    StateTransition st =
        new StateTransition(Fixtures.genesis(4), (proof, height) -> Optional.empty());
    List<SignedTransaction> txs = everyKind();
    BlockHeader useful =
        new BlockHeader(
            7,
            Fixtures.hash("parent"),
            1_700_000_070_000L,
            7,
            1,
            Fixtures.hash("problem"),
            Block.txRoot(txs),
            Block.workHash(new byte[] {1, 2, 3}),
            Fixtures.hash("state"),
            Fixtures.hash("model"),
            Fixtures.hash("certificate"),
            Fixtures.key(0).publicKey());
    Block usefulBlock =
        new Block(
            useful,
            useful.sign(Fixtures.key(0), Fixtures.CHAIN),
            new BlockOutcome.UsefulWork(
                Fixtures.hash("problem"),
                Fixtures.address(0),
                List.of(Fixtures.address(1), Fixtures.address(2))),
            txs,
            new byte[] {1, 2, 3});
    BlockHeader wasted =
        new BlockHeader(
            8,
            useful.hash(),
            1_700_000_080_000L,
            8,
            0,
            Fixtures.hash("problem2"),
            Block.txRoot(List.of()),
            Block.workHash(new byte[0]),
            Fixtures.hash("state2"),
            Fixtures.hash("zero"),
            Fixtures.hash("zero"),
            Fixtures.key(1).publicKey());
    Block wastedBlock =
        new Block(
            wasted,
            Signature.wrap(new byte[Signature.LENGTH]),
            new BlockOutcome.Wasted(Fixtures.hash("problem2"), List.of(Fixtures.address(3))),
            List.of(),
            new byte[0]);
    return List.of(st.genesisBlock(), usefulBlock, wastedBlock);
  }

  static Map<String, byte[]> transactionSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (SignedTransaction tx : everyKind()) {
      seeds.put(
          tx.payload().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), tx.encode());
    }
    return seeds;
  }

  static Map<String, byte[]> blockSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    List<Block> blocks = blocks();
    seeds.put("genesis", blocks.get(0).encode());
    seeds.put("useful-work", blocks.get(1).encode());
    seeds.put("wasted", blocks.get(2).encode());
    return seeds;
  }

  static Map<String, byte[]> headerSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    List<Block> blocks = blocks();
    seeds.put("genesis", blocks.get(0).header().encode());
    seeds.put("useful-work", blocks.get(1).header().encode());
    return seeds;
  }

  @Test
  void seedsDecodeAndAreSaved() {
    for (byte[] seed : transactionSeeds().values()) {
      assertInstanceOf(Decoded.Ok.class, SignedTransaction.tryDecode(seed));
      signedTransaction(seed);
    }
    for (byte[] seed : blockSeeds().values()) {
      assertInstanceOf(Decoded.Ok.class, Block.tryDecode(seed));
      block(seed);
    }
    for (byte[] seed : headerSeeds().values()) {
      assertInstanceOf(Decoded.Ok.class, BlockHeader.tryDecode(seed));
      blockHeader(seed);
    }
    FuzzInputs.sync(getClass(), "signedTransaction", transactionSeeds());
    FuzzInputs.sync(getClass(), "block", blockSeeds());
    FuzzInputs.sync(getClass(), "blockHeader", headerSeeds());
  }
}
