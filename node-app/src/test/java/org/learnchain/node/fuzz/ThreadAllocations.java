package org.learnchain.node.fuzz;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Bytes allocated on the heap by the current thread, from HotSpot's per-thread counter. Fuzz
 * targets use it to check that decoding untrusted bytes allocates in proportion to the input, never
 * in proportion to a length or count the input merely claims.
 */
public final class ThreadAllocations {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Slack for the fixed costs of one call (exception objects with their stack traces, hook
   * bookkeeping): far below any allocation a hostile length prefix could cause.
   */
  public static final long FIXED_SLACK = 1 << 20;

  private ThreadAllocations() {}

  /** The running total for the current thread; subtract two readings to measure a call. */
  public static long now() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /** The most a decoder may allocate for {@code inputLength} bytes: a few copies plus slack. */
  public static long budget(int inputLength) {
    return 16L * inputLength + FIXED_SLACK;
  }

  /**
   * Runs {@code decode} (a pure function of the input) and fails if it allocated more than {@link
   * #budget} for {@code inputLength} bytes. The first run of a code path also pays for loading and
   * instrumenting classes on this thread, so an over-budget run is measured once more and only a
   * second excess fails. Whatever {@code decode} throws is rethrown unchanged.
   */
  public static <T> T bounded(int inputLength, Supplier<T> decode) {
    return bounded(budget(inputLength), inputLength, decode);
  }

  /** {@link #bounded(int, Supplier)} with an explicit budget in bytes. */
  public static <T> T bounded(long budget, int inputLength, Supplier<T> decode) {
    long before = now();
    try {
      return decode.get();
    } finally {
      long used = now() - before;
      if (used > budget) {
        long again = now();
        try {
          decode.get();
        } catch (RuntimeException sameOutcome) {
          // The outcome was already reported by the first run; only the allocation matters here.
        }
        long second = now() - again;
        if (second > budget) {
          throw new AssertionFailedError(
              "decoding "
                  + inputLength
                  + " bytes allocated "
                  + second
                  + " bytes (budget "
                  + budget
                  + ")");
        }
      }
    }
  }
}
