package org.learnchain.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.MalformedEncodingException;

class CodecTest {
  private final PrivateKey alice = Fixtures.key("alice");

  private List<Transaction> everyKind() {
    return List.of(
        new Transfer(Fixtures.address(1), 42),
        Fixtures.problem(5_000, "p"),
        new Stake(7),
        new Unstake(3),
        new Delegate(Fixtures.address(2), 9),
        new Undelegate(Fixtures.address(2), 4),
        new Evidence(new byte[] {1, 2, 3, 4}));
  }

  @Test
  void everyTransactionKindRoundTripsAndVerifies() {
    long nonce = 0;
    for (Transaction payload : everyKind()) {
      SignedTransaction tx = SignedTransaction.sign(alice, Fixtures.CHAIN, nonce++, 10, payload);
      byte[] enc = tx.encode();
      SignedTransaction back = SignedTransaction.decode(enc);
      assertEquals(tx, back);
      assertArrayEquals(enc, back.encode());
      assertEquals(tx.hash(), back.hash());
      assertTrue(back.verifySignature(), payload.toString());
    }
  }

  @Test
  void signatureIsBoundToEveryFieldAndTheChain() {
    SignedTransaction tx =
        SignedTransaction.sign(alice, Fixtures.CHAIN, 5, 10, new Transfer(Fixtures.address(1), 42));
    SignedTransaction otherAmount =
        new SignedTransaction(
            tx.chainId(),
            tx.sender(),
            5,
            10,
            new Transfer(Fixtures.address(1), 43),
            tx.signature());
    SignedTransaction otherFee =
        new SignedTransaction(tx.chainId(), tx.sender(), 5, 11, tx.payload(), tx.signature());
    SignedTransaction otherChain =
        new SignedTransaction("other-chain", tx.sender(), 5, 10, tx.payload(), tx.signature());
    SignedTransaction otherSender =
        new SignedTransaction(
            tx.chainId(), Fixtures.key("bob").publicKey(), 5, 10, tx.payload(), tx.signature());
    assertTrue(tx.verifySignature());
    assertFalse(otherAmount.verifySignature());
    assertFalse(otherFee.verifySignature());
    assertFalse(otherChain.verifySignature());
    assertFalse(otherSender.verifySignature());
  }

  @Test
  void everyTruncationAndTrailingByteIsMalformed() {
    for (Transaction payload : everyKind()) {
      byte[] enc = SignedTransaction.sign(alice, Fixtures.CHAIN, 1, 10, payload).encode();
      for (int len = 0; len < enc.length; len++) {
        byte[] cut = Arrays.copyOf(enc, len);
        assertInstanceOf(Decoded.Malformed.class, SignedTransaction.tryDecode(cut));
      }
      byte[] longer = Arrays.copyOf(enc, enc.length + 1);
      assertInstanceOf(Decoded.Malformed.class, SignedTransaction.tryDecode(longer));
    }
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButMalformed() {
    Random rnd = new Random(7);
    byte[] valid =
        SignedTransaction.sign(alice, Fixtures.CHAIN, 1, 10, Fixtures.problem(2_000, "x")).encode();
    for (int i = 0; i < 5_000; i++) {
      byte[] b = valid.clone();
      int flips = 1 + rnd.nextInt(4);
      for (int f = 0; f < flips; f++) {
        b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
      }
      Decoded<SignedTransaction> d = SignedTransaction.tryDecode(b);
      if (d instanceof Decoded.Ok<SignedTransaction> ok) {
        // A flip may leave a well-formed transaction; every byte is signed, so it cannot verify.
        assertFalse(ok.value().verifySignature());
      }
      byte[] garbage = new byte[rnd.nextInt(300)];
      rnd.nextBytes(garbage);
      assertInstanceOf(Decoded.Malformed.class, Block.tryDecode(garbage));
    }
  }

  @Test
  void unknownKindAndVersionAreRejected() {
    byte[] enc = SignedTransaction.sign(alice, Fixtures.CHAIN, 1, 10, new Stake(1)).encode();
    byte[] badVersion = enc.clone();
    badVersion[0] = 2;
    assertThrows(MalformedEncodingException.class, () -> SignedTransaction.decode(badVersion));
    // kind tag sits after version(1) + chain id (4 + len) + sender(32) + nonce(8) + fee(8).
    int kindAt = 1 + 4 + Fixtures.CHAIN.length() + 32 + 16;
    assertEquals(3, enc[kindAt]);
    byte[] badKind = enc.clone();
    badKind[kindAt] = 99;
    Decoded<SignedTransaction> d = SignedTransaction.tryDecode(badKind);
    assertEquals(
        "unknown transaction kind 99", ((Decoded.Malformed<SignedTransaction>) d).reason());
  }

  private Block sampleBlock(BlockOutcome outcome) {
    List<SignedTransaction> txs = new ArrayList<>();
    long nonce = 0;
    for (Transaction payload : everyKind()) {
      txs.add(SignedTransaction.sign(alice, Fixtures.CHAIN, nonce++, 10, payload));
    }
    byte[] work = {9, 8, 7};
    PrivateKey proposer = Fixtures.key("proposer");
    BlockHeader header =
        new BlockHeader(
            3,
            Fixtures.hash("parent"),
            1_700_000_001_000L,
            3,
            0,
            outcome instanceof BlockOutcome.UsefulWork u ? u.problemId() : Hash.ZERO,
            Block.txRoot(txs),
            Block.workHash(work),
            Fixtures.hash("state"),
            outcome instanceof BlockOutcome.Idle ? Hash.ZERO : Fixtures.hash("model"),
            outcome instanceof BlockOutcome.Idle ? Hash.ZERO : Fixtures.hash("cert"),
            proposer.publicKey());
    Signature sig = header.sign(proposer, Fixtures.CHAIN);
    return new Block(header, sig, outcome, txs, work);
  }

  @Test
  void blocksWithEveryOutcomeRoundTripAndCommitToTheirBody() {
    List<BlockOutcome> outcomes =
        List.of(
            new BlockOutcome.Idle(),
            new BlockOutcome.UsefulWork(
                Fixtures.hash("problem"),
                Fixtures.address(1),
                List.of(Fixtures.address(2), Fixtures.address(3))),
            new BlockOutcome.Wasted(Fixtures.hash("problem"), List.of(Fixtures.address(4))));
    for (BlockOutcome o : outcomes) {
      Block b = sampleBlock(o);
      byte[] enc = b.encode();
      Block back = Block.decode(enc);
      assertEquals(b, back);
      assertEquals(b.hash(), back.hash());
      assertTrue(back.checkBody().isEmpty(), o.toString());
      assertTrue(back.verifySignature(Fixtures.CHAIN));
      assertFalse(back.verifySignature("other-chain"));
      assertEquals(BlockHeader.ENCODED_LENGTH, b.header().encode().length);
      assertEquals(b.header(), BlockHeader.decode(b.header().encode()));
    }
  }

  @Test
  void bodyChecksCatchSwappedTransactionsAndWork() {
    Block b = sampleBlock(new BlockOutcome.Idle());
    List<SignedTransaction> swapped = new ArrayList<>(b.transactions());
    SignedTransaction first = swapped.remove(0);
    swapped.add(first);
    Block reordered = new Block(b.header(), b.signature(), b.outcome(), swapped, b.work());
    assertTrue(reordered.checkBody().orElseThrow().startsWith("tx root mismatch"));
    Block otherWork =
        new Block(b.header(), b.signature(), b.outcome(), b.transactions(), new byte[] {1});
    assertTrue(otherWork.checkBody().orElseThrow().startsWith("work hash mismatch"));
  }

  @Test
  void txRootDistinguishesOrderAndDuplicatedTail() {
    Hash a = Fixtures.hash("a");
    Hash b = Fixtures.hash("b");
    Hash c = Fixtures.hash("c");
    assertEquals(Hash.ZERO, TxMerkle.root(List.of()));
    assertNotEquals(TxMerkle.root(List.of(a, b)), TxMerkle.root(List.of(b, a)));
    assertNotEquals(TxMerkle.root(List.of(a, b, c)), TxMerkle.root(List.of(a, b, c, c)));
    assertNotEquals(a, TxMerkle.root(List.of(a)));
    assertEquals(TxMerkle.root(List.of(a, b, c)), TxMerkle.root(List.of(a, b, c)));
  }

  @Test
  void accountsAndProblemsRoundTrip() {
    Account acc =
        new Account(
            5,
            2,
            7,
            List.of(new Account.Unbonding(3, 10)),
            List.of(new Account.Delegation(Fixtures.address(1), 4)),
            List.of(new Account.Delegation(Fixtures.address(2), 6)));
    assertEquals(acc, Account.decode(acc.encode()));
    PendingProblem p =
        new PendingProblem(
            Fixtures.hash("id"),
            Fixtures.address(1),
            100,
            new byte[] {1},
            Fixtures.hash("t"),
            10,
            Fixtures.hash("i"),
            Fixtures.hash("l"),
            5,
            3,
            1,
            ProblemStatus.PENDING,
            0);
    assertEquals(p, PendingProblem.decode(p.encode()));
  }
}
