package org.learnchain.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services started in the order they were declared and stopped in the reverse order, so that a
 * service never runs without what it depends on: the API stops taking requests before consensus
 * stops, consensus stops before the network and the network before the store closes. A service that
 * fails to start stops those already started, in reverse, before the failure is rethrown.
 */
public final class ServiceStack {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceStack.class);

  /** Something with a lifecycle. */
  public interface Service {
    String name();

    void start() throws Exception;

    /** Idempotent; must not throw for a service that is already stopped. */
    void stop();

    static Service of(String name, Starter start, Runnable stop) {
      Objects.requireNonNull(name, "name");
      return new Service() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public void start() throws Exception {
          start.run();
        }

        @Override
        public void stop() {
          stop.run();
        }
      };
    }
  }

  /** A start action that may fail with a checked exception (binding a port, opening a file). */
  @FunctionalInterface
  public interface Starter {
    void run() throws Exception;
  }

  private final List<Service> declared = new ArrayList<>();
  private final Deque<Service> started = new ArrayDeque<>();

  public ServiceStack add(Service service) {
    declared.add(service);
    return this;
  }

  /** Starts every service in declared order. */
  public synchronized void start() throws Exception {
    for (Service s : declared) {
      long t0 = System.nanoTime();
      try {
        s.start();
      } catch (Exception e) {
        LOG.error("Service failed to start service={} error={}", s.name(), e.toString());
        stop();
        throw e;
      }
      started.push(s);
      LOG.debug(
          "Service started service={} elapsedMs={}",
          s.name(),
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Stops the started services, last started first. A failing stop does not stop the others. */
  public synchronized void stop() {
    while (!started.isEmpty()) {
      Service s = started.pop();
      try {
        s.stop();
        LOG.debug("Service stopped service={}", s.name());
      } catch (RuntimeException e) {
        LOG.error("Service failed to stop service={}", s.name(), e);
      }
    }
  }

  /** Names of the running services, in start order. */
  public synchronized List<String> running() {
    List<String> out = new ArrayList<>();
    started.descendingIterator().forEachRemaining(s -> out.add(s.name()));
    return out;
  }
}
