package org.learnchain.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.learnchain.config.spec.Ceilings;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * How each type of node setting is read: from text (environment variables, command-line options)
 * and from a TOML value, each into a value or a one-line reason. Part of {@link NodeConfigLoader}.
 */
final class SettingKinds {
  private SettingKinds() {}

  /** A value read from text or TOML, or why it could not be. */
  record Parsed<T>(T value, String error) {
    static <T> Parsed<T> ok(T value) {
      return new Parsed<>(value, null);
    }

    static <T> Parsed<T> fail(String error) {
      return new Parsed<>(null, error);
    }
  }

  /** How one type of setting is read from a string (environment, CLI) and from TOML. */
  interface Kind<T> {
    Parsed<T> fromText(String text);

    Parsed<T> fromToml(Object value);
  }

  static final Kind<Path> PATH =
      new Kind<>() {
        @Override
        public Parsed<Path> fromText(String text) {
          if (text.isEmpty()) {
            return Parsed.fail("path is empty");
          }
          try {
            return Parsed.ok(Path.of(text));
          } catch (InvalidPathException e) {
            return Parsed.fail("'" + text + "' is not a valid path (" + e.getReason() + ")");
          }
        }

        @Override
        public Parsed<Path> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  static final Kind<String> HOST =
      new Kind<>() {
        @Override
        public Parsed<String> fromText(String text) {
          return Hosts.problem(text).<Parsed<String>>map(Parsed::fail).orElse(Parsed.ok(text));
        }

        @Override
        public Parsed<String> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  /** A host, or nothing when the text is empty (the setting then falls back to another one). */
  static final Kind<Optional<String>> OPTIONAL_HOST =
      new Kind<>() {
        @Override
        public Parsed<Optional<String>> fromText(String text) {
          if (text.isEmpty()) {
            return Parsed.ok(Optional.empty());
          }
          Parsed<String> host = HOST.fromText(text);
          return host.error() != null
              ? Parsed.fail(host.error())
              : Parsed.ok(Optional.of(host.value()));
        }

        @Override
        public Parsed<Optional<String>> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  static final Kind<Integer> PORT = integer(0, 65535, "a port number");

  static final Kind<Integer> THREADS =
      integer(1, NodeConfigLoader.MAX_ML_THREADS, "a thread count");

  /** ND4J's native build: generic, avx2, avx512, or auto (what the CPU supports). */
  static final Kind<String> CPU_VARIANT =
      new Kind<>() {
        @Override
        public Parsed<String> fromText(String text) {
          String v = text.trim().toLowerCase(Locale.ROOT);
          return switch (v) {
            case "generic", "avx2", "avx512", "auto" -> Parsed.ok(v);
            default -> Parsed.fail("must be generic, avx2, avx512 or auto");
          };
        }

        @Override
        public Parsed<String> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  static final Kind<Boolean> BOOL =
      new Kind<>() {
        @Override
        public Parsed<Boolean> fromText(String text) {
          return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Parsed.ok(true);
            case "false" -> Parsed.ok(false);
            default -> Parsed.fail("must be true or false, got '" + text + "'");
          };
        }

        @Override
        public Parsed<Boolean> fromToml(Object value) {
          return value instanceof Boolean b
              ? Parsed.ok(b)
              : Parsed.fail(mustBe("a boolean (true or false)", value));
        }
      };

  static final Kind<NodeConfig.LogLevel> LOG_LEVEL =
      new Kind<>() {
        @Override
        public Parsed<NodeConfig.LogLevel> fromText(String text) {
          for (NodeConfig.LogLevel l : NodeConfig.LogLevel.values()) {
            if (l.id().equalsIgnoreCase(text)) {
              return Parsed.ok(l);
            }
          }
          return Parsed.fail(
              "unknown log level '"
                  + text
                  + "' (one of "
                  + Arrays.stream(NodeConfig.LogLevel.values())
                      .map(NodeConfig.LogLevel::id)
                      .collect(Collectors.joining(", "))
                  + ")");
        }

        @Override
        public Parsed<NodeConfig.LogLevel> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  static final Kind<List<HostPort>> PEERS =
      new Kind<>() {
        @Override
        public Parsed<List<HostPort>> fromText(String text) {
          if (text.isBlank()) {
            return Parsed.ok(List.of());
          }
          return peers(Arrays.stream(text.split(",", -1)).map(String::strip).toList());
        }

        @Override
        public Parsed<List<HostPort>> fromToml(Object value) {
          if (!(value instanceof TomlArray array)) {
            return Parsed.fail(mustBe("an array of \"HOST:PORT\" strings", value));
          }
          List<String> items = new ArrayList<>();
          for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) {
              return Parsed.fail(
                  "item " + (i + 1) + " " + mustBe("a \"HOST:PORT\" string", array.get(i)));
            }
            items.add(s);
          }
          return peers(items);
        }

        private Parsed<List<HostPort>> peers(List<String> items) {
          List<HostPort> out = new ArrayList<>();
          Set<HostPort> seen = new HashSet<>();
          for (String item : items) {
            if (item.isEmpty()) {
              return Parsed.fail("empty entry in the bootnode list");
            }
            Optional<String> problem = HostPort.problem(item);
            if (problem.isPresent()) {
              return Parsed.fail(problem.get());
            }
            HostPort hp = HostPort.parseChecked(item);
            if (!seen.add(hp)) {
              return Parsed.fail("bootnode " + hp + " is listed twice");
            }
            out.add(hp);
          }
          return Parsed.ok(List.copyOf(out));
        }
      };

  /** A p2p frame limit in bytes, within what every node allows. */
  static final Kind<Integer> FRAME_BYTES =
      integer(Ceilings.MIN_FRAME_BYTES, Ceilings.MAX_FRAME_BYTES, "a frame size in bytes");

  static Kind<Integer> integer(int min, int max, String what) {
    return new Kind<>() {
      @Override
      public Parsed<Integer> fromText(String text) {
        if (!text.matches("-?[0-9]{1,10}")) {
          return Parsed.fail("must be " + what + ", got '" + text + "'");
        }
        return range(Long.parseLong(text));
      }

      @Override
      public Parsed<Integer> fromToml(Object value) {
        return value instanceof Long l ? range(l) : Parsed.fail(mustBe("an integer", value));
      }

      private Parsed<Integer> range(long v) {
        if (v < min || v > max) {
          return Parsed.fail(what + " must be in " + min + ".." + max + ", got " + v);
        }
        return Parsed.ok((int) v);
      }
    };
  }

  static String mustBe(String expected, Object value) {
    return "must be " + expected + ", got " + tomlType(value);
  }

  private static String tomlType(Object value) {
    if (value instanceof String) {
      return "a string";
    } else if (value instanceof Long) {
      return "an integer";
    } else if (value instanceof Double) {
      return "a float";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof TomlArray) {
      return "an array";
    } else if (value instanceof TomlTable) {
      return "a table";
    }
    return "a date or time";
  }
}
