package org.learnchain.ml.model;

import java.io.IOException;
import java.util.Set;
import org.learnchain.ml.Result;
import org.nd4j.shade.jackson.core.JsonFactory;
import org.nd4j.shade.jackson.core.JsonParser;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.core.JsonToken;

/**
 * A streaming pass over an untrusted configuration JSON before DL4J's object mapper sees it. The
 * mapper picks classes by the {@code @class} property, so only DL4J and ND4J configuration classes
 * from a few packages are let through, and nesting is bounded (the mapper is recursive; a deeply
 * nested document would overflow the stack).
 */
final class ConfigurationGuard {
  static final int MAX_DEPTH = 24;

  /** Packages whose classes may be named; their sub-packages are not included. */
  private static final Set<String> PACKAGES =
      Set.of(
          "org.deeplearning4j.nn.conf.layers",
          "org.deeplearning4j.nn.conf.preprocessor",
          "org.deeplearning4j.nn.conf.dropout",
          "org.deeplearning4j.nn.conf.distribution",
          "org.deeplearning4j.nn.weights",
          "org.nd4j.linalg.activations.impl",
          "org.nd4j.linalg.lossfunctions.impl",
          "org.nd4j.linalg.learning.config",
          "org.nd4j.linalg.learning.regularization",
          "org.nd4j.linalg.schedule");

  private static final JsonFactory FACTORY = new JsonFactory();

  private ConfigurationGuard() {}

  static Result<String> check(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      int depth = 0;
      boolean classNext = false;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            if (++depth > MAX_DEPTH) {
              return Result.err("the configuration nests deeper than " + MAX_DEPTH + " levels");
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME -> {
            classNext = "@class".equals(parser.getCurrentName());
            continue;
          }
          case VALUE_STRING -> {
            if (classNext && !allowed(parser.getText())) {
              return Result.err(
                  "the configuration names a class outside DL4J's configuration packages: "
                      + printable(parser.getText()));
            }
          }
          default -> {}
        }
        if (classNext && token != JsonToken.VALUE_STRING) {
          return Result.err("the configuration has a non-string @class");
        }
        classNext = false;
      }
      return Result.ok(json);
    } catch (JsonProcessingException e) {
      return Result.err(
          "the configuration is not valid JSON: " + printable(e.getOriginalMessage()));
    } catch (IOException e) {
      return Result.err("the configuration is unreadable");
    }
  }

  private static boolean allowed(String className) {
    int dot = className.lastIndexOf('.');
    return dot > 0 && PACKAGES.contains(className.substring(0, dot));
  }

  private static String printable(String s) {
    String cut = s == null ? "" : (s.length() > 80 ? s.substring(0, 80) + "..." : s);
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
