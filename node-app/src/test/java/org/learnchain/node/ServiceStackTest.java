package org.learnchain.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceStackTest {

  @Test
  void startsInOrderAndStopsInReverse() throws Exception {
    List<String> log = new ArrayList<>();
    ServiceStack s = new ServiceStack();
    for (String n : List.of("store", "p2p", "consensus", "api")) {
      s.add(ServiceStack.Service.of(n, () -> log.add("start " + n), () -> log.add("stop " + n)));
    }
    s.start();
    assertEquals(List.of("store", "p2p", "consensus", "api"), s.running());
    s.stop();
    s.stop();
    assertEquals(
        List.of(
            "start store",
            "start p2p",
            "start consensus",
            "start api",
            "stop api",
            "stop consensus",
            "stop p2p",
            "stop store"),
        log);
  }

  @Test
  void aFailedStartStopsWhatAlreadyRan() {
    List<String> log = new ArrayList<>();
    ServiceStack s = new ServiceStack();
    s.add(ServiceStack.Service.of("a", () -> log.add("start a"), () -> log.add("stop a")));
    s.add(
        ServiceStack.Service.of(
            "b",
            () -> {
              throw new IOException("port in use");
            },
            () -> log.add("stop b")));
    s.add(ServiceStack.Service.of("c", () -> log.add("start c"), () -> log.add("stop c")));
    IOException e = assertThrows(IOException.class, s::start);
    assertEquals("port in use", e.getMessage());
    assertEquals(List.of("start a", "stop a"), log);
  }
}
