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

  /** JavaCPP's system property naming the native build to load (empty: the generic one). */
  public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";

  /**
   * Chooses ND4J's native build before the backend loads ({@code ml.cpu-variant}): {@code generic},
   * {@code avx2}, {@code avx512}, or {@code auto} (the widest the CPU supports, from {@code
   * /proc/cpuinfo}). All three ship in the distribution. Inference is bit-identical across them at
   * one thread (docs/platform-notes.md); training of DL4J models (images) differs between builds,
   * tabular training is plain Java and does not.
   *
   * @return the build chosen, or a one-line reason the name is unknown or the CPU lacks it
   */
  public static Result<String> selectCpuVariant(String variant) {
    String v = variant == null ? "auto" : variant.trim().toLowerCase(java.util.Locale.ROOT);
    String flags = cpuFlags();
    boolean avx2 = flags.contains(" avx2 ");
    boolean avx512 =
        flags.contains(" avx512f ")
            && flags.contains(" avx512bw ")
            && flags.contains(" avx512dq ")
            && flags.contains(" avx512vl ");
    String chosen;
    switch (v) {
      case "auto" -> chosen = avx512 ? "avx512" : avx2 ? "avx2" : "generic";
      case "generic" -> chosen = "generic";
      case "avx2" -> {
        if (!avx2) {
          return Result.err("ml.cpu-variant avx2: this CPU does not report AVX2");
        }
        chosen = "avx2";
      }
      case "avx512" -> {
        if (!avx512) {
          return Result.err(
              "ml.cpu-variant avx512: this CPU does not report AVX-512 (F, BW, DQ and VL)");
        }
        chosen = "avx512";
      }
      default -> {
        return Result.err(
            "ml.cpu-variant must be generic, avx2, avx512 or auto, got " + printable(variant));
      }
    }
    System.setProperty(PLATFORM_EXTENSION, chosen.equals("generic") ? "" : "-" + chosen);
    return Result.ok(chosen);
  }

  /** The CPU flags of the first processor, space-framed; empty when unreadable (not Linux). */
  private static String cpuFlags() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return " " + line.substring(line.indexOf(':') + 1).trim() + " ";
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("CPU flags unreadable: {}", e.toString());
    }
    return "";
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** The native build in use: {@code generic}, {@code avx2} or {@code avx512}. */
  public static String cpuVariant() {
    String ext = System.getProperty(PLATFORM_EXTENSION, "");
    return ext.isEmpty() ? "generic" : ext.substring(1);
  }

  /** Loads the backend, applies {@code threads} and logs the result. */
  public static MlRuntime start(int threads) {
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    String omp = System.getenv("OMP_NUM_THREADS");
    MlRuntime runtime = new MlRuntime(backend, Nd4j.getExecutioner().getClass().getSimpleName());
    runtime.useThreads(threads);
    LOG.info(
        "ML backend started backend={} cpuVariant={} executioner={} threads={} ompNumThreads={}"
            + " blas={}",
        backend,
        cpuVariant(),
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
