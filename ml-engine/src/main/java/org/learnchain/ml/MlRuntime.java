package org.learnchain.ml;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ND4J backend this process runs on, and its thread settings. Create one at start (the
 * composition root does); creating it loads the backend (CPU {@code nd4j-native} by default, CUDA
 * under the {@code cuda} Maven profile) and logs which one is in use.
 *
 * <p>Threads: ND4J reads {@code OMP_NUM_THREADS} when its natives load; {@link #useThreads} also
 * sets its own and the BLAS library's thread counts at run time. On a small machine shared with
 * other work, one thread per training process was 2.5-3x faster than two (docs/platform-notes.md),
 * so callers should pass the cores they really own rather than the machine's count.
 */
public final class MlRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(MlRuntime.class);

  private final String backend;
  private final String environment;

  private MlRuntime(String backend, String environment) {
    this.backend = backend;
    this.environment = environment;
  }

  /** Loads the backend, applies {@code threads} and logs the result. */
  public static MlRuntime start(int threads) {
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    String omp = System.getenv("OMP_NUM_THREADS");
    MlRuntime runtime = new MlRuntime(backend, Nd4j.getExecutioner().getClass().getSimpleName());
    runtime.useThreads(threads);
    LOG.info(
        "ML backend started backend={} executioner={} threads={} ompNumThreads={} blas={}",
        backend,
        runtime.environment,
        threads,
        omp == null ? "unset" : omp,
        Nd4j.factory().blas().getBlasVendor());
    return runtime;
  }

  /** The ND4J backend class name, for example {@code CpuBackend} or {@code JCublasBackend}. */
  public String backend() {
    return backend;
  }

  /**
   * Sets ND4J's operation threads and the BLAS threads. These are process-wide settings of ND4J;
   * the last caller wins, so one process should use one value.
   */
  public void useThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }
}
