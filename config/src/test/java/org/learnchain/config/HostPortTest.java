package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "localhost",
        "node-1.example.org",
        "a",
        "::1",
        "::",
        "fe80::1",
        "2001:db8:0:0:0:0:2:1",
        "2001:db8::2:1",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8"
      })
  void validHosts(String host) {
    assertTrue(Hosts.problem(host).isEmpty(), () -> Hosts.problem(host).orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "256.0.0.1",
        "1.2.3",
        "01.2.3.4",
        "1.2.3.4.5",
        "bad_host",
        "-lead.example",
        "trail-.example",
        "double..dot",
        "space host",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        ":::",
        "12345::1",
        "g::1",
        "::ffff:999.0.0.1",
        "1:2:3:4:5:6:7::8"
      })
  void invalidHosts(String host) {
    assertTrue(Hosts.problem(host).isPresent(), host);
  }

  @Test
  void parsesHostPortForms() {
    assertEquals(
        new HostPort("10.0.0.1", 30300), HostPort.parse("10.0.0.1:30300", "s", "k").value());
    assertEquals(new HostPort("::1", 1), HostPort.parse("[::1]:1", "s", "k").value());
    assertEquals(
        new HostPort("peer.example", 65535),
        HostPort.parse(" peer.example:65535 ", "s", "k").value());
    assertEquals("[::1]:1", new HostPort("::1", 1).toString());
    assertEquals("h:2", new HostPort("h", 2).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"h", "h:", ":1", "h:0", "h:65536", "h:-1", "h:1x", "::1:5", "[h]:1", "[::1:1"})
  void rejectsMalformedHostPort(String text) {
    ConfigResult<HostPort> r = HostPort.parse(text, "src", "key");
    assertFalse(r.isValid(), text);
    assertEquals("src", r.problems().get(0).source());
    assertEquals("key", r.problems().get(0).key());
    assertTrue(r.problems().get(0).message().contains(text), r::describeProblems);
  }

  @Test
  void constructorRejectsBadPort() {
    assertThrows(IllegalArgumentException.class, () -> new HostPort("h", 0));
  }
}
