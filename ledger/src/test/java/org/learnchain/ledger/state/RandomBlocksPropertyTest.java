package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.SignedTransaction;

/**
 * Invariants over many random blocks (every transaction kind, invalid candidates, all three
 * outcomes, expiry and unbonding): supply conserved up to minted and burned amounts, no negative
 * amount anywhere, every (sender, nonce) used at most once and in sequence, replays always refused,
 * and the diffs reproduce and undo every state exactly.
 */
class RandomBlocksPropertyTest {

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void invariantsHoldOverRandomBlocks(long seed) {
    RandomChain chain = new RandomChain(seed, 30, ForkJoinPool.commonPool());
    StateTransition st = chain.transition();
    WorldState genesis = st.genesisState();
    WorldState state = genesis;
    Block head = st.genesisBlock();
    Map<Address, Long> nextNonce = new HashMap<>();
    Set<String> used = new HashSet<>();
    List<SignedTransaction> history = new ArrayList<>();
    List<StateDiff> diffs = new ArrayList<>();
    long minted = 0;
    long burned = 0;
    int included = 0;
    int outcomesPaid = 0;
    for (int h = 1; h <= 150; h++) {
      RandomChain.Built built = chain.next(head, state);
      Block block = built.block();
      TransitionResult.Applied applied = built.applied();
      assertTrue(block.checkBody().isEmpty());
      // An independent verifier reaches the same root from the same body.
      TransitionResult verified =
          st.apply(state, block.header(), block.transactions(), block.outcome());
      assertEquals(
          block.header().stateRoot(),
          assertInstanceOf(TransitionResult.Applied.class, verified).stateRoot());
      for (SignedTransaction tx : block.transactions()) {
        Address sender = tx.senderAddress();
        long expected = nextNonce.getOrDefault(sender, 0L);
        assertEquals(expected, tx.nonce(), "nonces are used in sequence");
        assertTrue(used.add(sender + "/" + tx.nonce()), "nonce reused");
        nextNonce.put(sender, expected + 1);
      }
      // Every earlier transaction replayed on the new state is refused.
      if (!history.isEmpty()) {
        SignedTransaction old = history.get((h * 7919) % history.size());
        assertTrue(st.check(applied.state(), old).isPresent(), "replay accepted");
      }
      history.addAll(block.transactions());
      included += block.transactions().size();
      minted += applied.minted();
      burned += applied.burned();
      if (!(block.outcome() instanceof org.learnchain.ledger.BlockOutcome.Idle)) {
        outcomesPaid++;
      }
      state = applied.state();
      diffs.add(applied.diff());
      head = block;
      assertEquals(state.meta().expectedSupply(), state.totalHeld(), "supply at height " + h);
      assertEquals(minted, state.meta().minted());
      assertEquals(burned, state.meta().burned());
      state.forEachAccount(
          (a, acc) -> {
            assertTrue(acc.balance() >= 0 && acc.stake() >= 0, "negative amount at " + a);
            acc.unbonding().forEach(u -> assertTrue(u.amount() > 0));
            acc.delegations().forEach(d -> assertTrue(d.amount() > 0));
          });
    }
    assertTrue(included > 1_800, "only " + included + " transactions were valid");
    assertTrue(outcomesPaid > 5, "only " + outcomesPaid + " outcomes");
    assertTrue(burned > 0);

    // The state rebuilt from its entries has the same root.
    List<WorldState.StateEntry> entries = new ArrayList<>();
    state.forEachEntry((k, v) -> entries.add(new WorldState.StateEntry(k, v.clone())));
    assertEquals(state.root(), WorldState.fromEntries(entries, ForkJoinPool.commonPool()).root());
    // Diffs replay the chain forward from genesis and their inverses undo it back to genesis.
    WorldState replay = genesis;
    for (StateDiff d : diffs) {
      replay = replay.applyDiff(d, ForkJoinPool.commonPool());
    }
    assertEquals(state.root(), replay.root());
    for (int i = diffs.size() - 1; i >= 0; i--) {
      replay = replay.applyDiff(diffs.get(i).inverse(), ForkJoinPool.commonPool());
    }
    assertEquals(genesis.root(), replay.root());
  }
}
