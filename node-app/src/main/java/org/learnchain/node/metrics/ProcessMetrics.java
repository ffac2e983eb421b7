package org.learnchain.node.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import org.learnchain.node.support.VersionProvider;

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
    registry
        .config()
        .meterFilter(MeterFilter.renameTag("grpc.server", "methodType", "method_type"))
        .meterFilter(MeterFilter.renameTag("grpc.server", "statusCode", "status_code"))
        // Nanoseconds as a counter name suffix; process_cpu_usage says the same as a ratio.
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                Meter.Id renamed =
                    id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
                return described(renamed);
              }
            });
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

  private static Meter.Id described(Meter.Id id) {
    if (id.getDescription() != null && !id.getDescription().isBlank()) {
      return id;
    }
    return new Meter.Id(
        id.getName(),
        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
        id.getBaseUnit(),
        id.getName().replace('.', ' '),
        id.getType());
  }

  @Override
  public void close() {
    gc.close();
  }
}
