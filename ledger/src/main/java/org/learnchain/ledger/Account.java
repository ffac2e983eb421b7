package org.learnchain.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * One account's state. Units are conserved across the fields: {@code balance} is spendable, {@code
 * stake} is bonded and slashable, {@code unbonding} is stake or delegation on its way back to the
 * balance, {@code delegations} are units this account locked behind miners. {@code backers}
 * mirrors, on a miner's account, the delegations others made to it (the same units, not counted
 * twice), so the reward split reads one account.
 *
 * <p>Invariants: every amount is positive (zero entries are removed), {@code delegations} and
 * {@code backers} are sorted by address with no duplicates, {@code unbonding} is sorted by release
 * height.
 *
 * @param nonce number of transactions this account has sent; the next must carry exactly this
 */
public record Account(
    long balance,
    long nonce,
    long stake,
    List<Unbonding> unbonding,
    List<Delegation> delegations,
    List<Delegation> backers) {

  public static final Account EMPTY = new Account(0, 0, 0, List.of(), List.of(), List.of());

  public Account {
    unbonding = List.copyOf(unbonding);
    delegations = List.copyOf(delegations);
    backers = List.copyOf(backers);
  }

  /** Units leaving the balance at a future height. */
  public record Unbonding(long amount, long releaseHeight) {}

  /** Units one account locked behind another ({@code counterparty}: the miner or the backer). */
  public record Delegation(Address counterparty, long amount) {
    public Delegation {
      Objects.requireNonNull(counterparty, "counterparty");
    }
  }

  public static Account funded(long balance, long stake) {
    return new Account(balance, 0, stake, List.of(), List.of(), List.of());
  }

  public boolean isEmpty() {
    return balance == 0
        && nonce == 0
        && stake == 0
        && unbonding.isEmpty()
        && delegations.isEmpty()
        && backers.isEmpty();
  }

  public Account withBalance(long newBalance) {
    return new Account(newBalance, nonce, stake, unbonding, delegations, backers);
  }

  public Account withNonceAndBalance(long newNonce, long newBalance) {
    return new Account(newBalance, newNonce, stake, unbonding, delegations, backers);
  }

  public Account withStake(long newStake) {
    return new Account(balance, nonce, newStake, unbonding, delegations, backers);
  }

  public Account withUnbonding(List<Unbonding> newUnbonding) {
    return new Account(balance, nonce, stake, newUnbonding, delegations, backers);
  }

  public Account withDelegations(List<Delegation> newDelegations) {
    return new Account(balance, nonce, stake, unbonding, newDelegations, backers);
  }

  public Account withBackers(List<Delegation> newBackers) {
    return new Account(balance, nonce, stake, unbonding, delegations, newBackers);
  }

  /** Units this account delegated to {@code miner} (0 when none). */
  public long delegatedTo(Address miner) {
    return amountFor(delegations, miner);
  }

  /** Sum of everything this account owns: balance, stake, unbonding and its own delegations. */
  public long totalHoldings() {
    long total = Math.addExact(balance, stake);
    for (Unbonding u : unbonding) {
      total = Math.addExact(total, u.amount());
    }
    for (Delegation d : delegations) {
      total = Math.addExact(total, d.amount());
    }
    return total;
  }

  /** The amount {@code who} holds in {@code list} (0 when absent). */
  public static long amountFor(List<Delegation> list, Address who) {
    for (Delegation d : list) {
      if (d.counterparty().equals(who)) {
        return d.amount();
      }
    }
    return 0;
  }

  /**
   * {@code list} with {@code who}'s amount changed by {@code delta}; entries that reach zero are
   * removed and the address order is kept.
   */
  public static List<Delegation> adjust(List<Delegation> list, Address who, long delta) {
    List<Delegation> out = new ArrayList<>(list.size() + 1);
    boolean done = false;
    for (Delegation d : list) {
      int c = d.counterparty().compareTo(who);
      if (c == 0) {
        long v = Math.addExact(d.amount(), delta);
        if (v < 0) {
          throw new IllegalArgumentException("delegation would go negative");
        }
        if (v > 0) {
          out.add(new Delegation(who, v));
        }
        done = true;
      } else {
        if (c > 0 && !done) {
          addNew(out, who, delta);
          done = true;
        }
        out.add(d);
      }
    }
    if (!done) {
      addNew(out, who, delta);
    }
    return out;
  }

  private static void addNew(List<Delegation> out, Address who, long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("delegation would go negative");
    }
    if (delta > 0) {
      out.add(new Delegation(who, delta));
    }
  }

  public byte[] encode() {
    CanonicalWriter w =
        new CanonicalWriter(
            40 + 16 * unbonding.size() + 28 * (delegations.size() + backers.size()));
    w.i64(balance).i64(nonce).i64(stake);
    w.list(unbonding, (ww, u) -> ww.i64(u.amount()).i64(u.releaseHeight()));
    w.list(delegations, Account::writeDelegation);
    w.list(backers, Account::writeDelegation);
    return w.toByteArray();
  }

  private static void writeDelegation(CanonicalWriter w, Delegation d) {
    w.address(d.counterparty()).i64(d.amount());
  }

  private static Delegation readDelegation(CanonicalReader r) {
    Delegation d = new Delegation(r.address(), r.i64());
    if (d.amount() <= 0) {
      throw new MalformedEncodingException("delegation amount must be positive");
    }
    return d;
  }

  /**
   * @throws MalformedEncodingException when the bytes are not one canonical account
   */
  public static Account decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    long balance = r.i64();
    long nonce = r.i64();
    long stake = r.i64();
    List<Unbonding> unbonding =
        r.list(
            LedgerLimits.MAX_UNBONDING_ENTRIES,
            rr -> {
              Unbonding u = new Unbonding(rr.i64(), rr.i64());
              if (u.amount() <= 0 || u.releaseHeight() < 0) {
                throw new MalformedEncodingException("unbonding entry out of range");
              }
              return u;
            });
    List<Delegation> delegations = r.list(LedgerLimits.MAX_DELEGATIONS, Account::readDelegation);
    List<Delegation> backers = r.list(LedgerLimits.MAX_BACKERS, Account::readDelegation);
    r.end();
    if (balance < 0 || nonce < 0 || stake < 0) {
      throw new MalformedEncodingException("negative account field");
    }
    return new Account(balance, nonce, stake, unbonding, delegations, backers);
  }
}
