package org.learnchain.node.api;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.learnchain.proto.api.ResourcesReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node process holds in memory: the heap in use now and right after the most recent
 * collection (the figure that shows whether live data grows under load), and the resident set the
 * operating system charges the process with.
 */
final class ProcessResources {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessResources.class);
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessResources() {}

  static ResourcesReply read() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long gcCount = 0;
    long lastEnd = -1;
    long afterGc = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
        com.sun.management.GcInfo info = sun.getLastGcInfo();
        if (info != null && info.getEndTime() > lastEnd) {
          lastEnd = info.getEndTime();
          afterGc = heapAfter(info);
        }
      }
    }
    return ResourcesReply.newBuilder()
        .setHeapUsedBytes(heap.getUsed())
        .setHeapAfterGcBytes(afterGc)
        .setHeapMaxBytes(Math.max(0, heap.getMax()))
        .setRssBytes(rss())
        .setGcCount(gcCount)
        .setThreads(ManagementFactory.getThreadMXBean().getThreadCount())
        .setUptimeMs(ManagementFactory.getRuntimeMXBean().getUptime())
        .build();
  }

  /** The heap pools' usage after a collection; the non-heap pools a GC reports are left out. */
  private static long heapAfter(com.sun.management.GcInfo info) {
    List<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
            .map(java.lang.management.MemoryPoolMXBean::getName)
            .toList();
    long sum = 0;
    for (var e : info.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  /** VmRSS from /proc/self/status in bytes, or 0 where there is no such file. */
  static long rss() {
    if (!Files.isReadable(STATUS)) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          long kb = Long.parseLong(parts[0]);
          String unit = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "kb";
          return unit.equals("kb") ? kb * 1024 : kb;
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debug("Resident set unreadable reason={}", e.toString());
    }
    return 0;
  }
}
