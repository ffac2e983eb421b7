package org.learnchain.node.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.learnchain.node.cli.VersionProvider;

/**
 * The meters every JVM service exports beside its own (what Besu and Teku dashboards expect):
 * memory pools, GC pauses, threads, CPU, open file descriptors, uptime, and {@code
 * learnchain_build_info{version}} at 1 so a dashboard can show which release each node runs. {@link
 * #close()} detaches the GC listener; the other binders only read MX beans when scraped.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final JvmGcMetrics gc;

  private ProcessMetrics(JvmGcMetrics gc) {
    this.gc = gc;
  }

  /** Binds the JVM, process and build-info meters to {@code registry}. */
  public static ProcessMetrics bind(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    Gauge.builder("learnchain.build.info", () -> 1)
        .description("always 1; the labels say which build this node runs")
        .tag("version", VersionProvider.version())
        .tag("java", Runtime.version().feature() + "")
        .register(registry);
    return new ProcessMetrics(gc);
  }

  @Override
  public void close() {
    gc.close();
  }
}
