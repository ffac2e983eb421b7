package org.learnchain.node.cli.common;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels for commands that run whole nodes in the foreground of a terminal (devnet, simulate):
 * their own output is what the user asked for, so the nodes' INFO logs are held back unless {@code
 * LEARNCHAIN_LOG_LEVEL} asks for them.
 */
public final class LogLevels {
  public static final String ENV_VAR = "LEARNCHAIN_LOG_LEVEL";

  private LogLevels() {}

  /** Raises the project's loggers to WARN unless {@value #ENV_VAR} is set in {@code env}. */
  public static void quietUnlessAsked(Map<String, String> env) {
    if (env.containsKey(ENV_VAR)) {
      return;
    }
    Logger app = LoggerFactory.getLogger("org.learnchain");
    if (app instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** Sets the root log level (ERROR, WARN, INFO, DEBUG, TRACE), as the node config asks. */
  public static void setRoot(String level) {
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(
          ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
    }
  }
}
