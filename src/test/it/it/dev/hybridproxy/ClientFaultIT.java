package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client faults (issue 7): a client that leaves in each phase of a request, a client that reads
 * slowly, and a crowd of clients that connect and say nothing. Upstreams are {@link FaultUpstream}
 * scripts on backend {@code faulty}, which see the proxy hang up at the socket. Heartbeats are 1 s
 * on the test server, so a client that left is noticed at the next write: within about one
 * heartbeat while data flows, about two before the first byte (the first write after the client's
 * FIN still succeeds; the one after fails).
 */
@ExtendWith(ArquillianExtension.class)
class ClientFaultIT {
  private static final FaultUpstream UPSTREAM = FaultUpstream.get();
  private static final ServerMetrics METRICS = new ServerMetrics();

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
  }

  // --- a client that leaves ----------------------------------------------------------------------

  @Test
  void aClientThatLeavesBeforeTheFirstByteCancelsThePlainUpstreamCall() throws Exception {
    UPSTREAM.script("cf-silent", ex -> ex.awaitHangUp(UpstreamFault.PATIENCE));

    long leftAt = sendAndLeave(streamBody("faulty:cf-silent"), Duration.ofMillis(300));

    FaultUpstream.Exchange upstream = only("cf-silent");
    long hungUpAt = upstream.hungUp.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(hungUpAt - leftAt))
        .as("noticed at the second write: about two heartbeats (1 s)")
        .isLessThan(4000);
  }

  @Test
  void aClientThatLeavesBeforeTheFirstByteCancelsTheReasoningLegAndNeverStartsExecution()
      throws Exception {
    UPSTREAM.script("cf-r-silent", ex -> ex.awaitHangUp(UpstreamFault.PATIENCE));
    UPSTREAM.script("cf-x-never-1", ex -> UpstreamFault.answer(ex, "never"));

    long leftAt =
        sendAndLeave(
            streamBody("hybrid:[faulty:cf-r-silent,faulty:cf-x-never-1]"), Duration.ofMillis(300));

    long hungUpAt = only("cf-r-silent").hungUp.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(hungUpAt - leftAt)).isLessThan(4000);
    FaultUpstream.pause(Duration.ofMillis(1500));
    assertThat(UPSTREAM.requests("cf-x-never-1")).as("the execution leg never starts").isEmpty();
  }

  @Test
  void aClientThatLeavesDuringReasoningClosesTheReasonerAndNeverStartsExecution() throws Exception {
    UPSTREAM.script("cf-r-endless", ClientFaultIT::endlessReasoning);
    UPSTREAM.script("cf-x-never-2", ex -> UpstreamFault.answer(ex, "never"));

    client.stream(
        streamBody("hybrid:[faulty:cf-r-endless,faulty:cf-x-never-2]"),
        line -> line.isData() && line.data().contains("Thought 2."));
    long leftAt = System.nanoTime();

    long hungUpAt = only("cf-r-endless").hungUp.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(hungUpAt - leftAt))
        .as("within one heartbeat (1 s) plus slack")
        .isLessThan(2500);
    FaultUpstream.pause(Duration.ofMillis(1500));
    assertThat(UPSTREAM.requests("cf-x-never-2")).isEmpty();
  }

  @Test
  void aClientThatLeavesDuringExecutionClosesTheExecutionUpstream() throws Exception {
    UPSTREAM.script("cf-r-quick", ex -> UpstreamFault.reason(ex, "Short plan. "));
    UPSTREAM.script("cf-x-endless", ClientFaultIT::endlessAnswer);

    ProxyClient.Stream stream =
        client.stream(
            streamBody("hybrid:[faulty:cf-r-quick,faulty:cf-x-endless]"),
            line -> line.isData() && line.data().contains("word 3 "));
    long leftAt = System.nanoTime();

    assertThat(stream.content()).contains("word 3 ");
    long hungUpAt = only("cf-x-endless").hungUp.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(hungUpAt - leftAt))
        .as("within one heartbeat (1 s) plus slack")
        .isLessThan(2500);
    assertThat(only("cf-r-quick").hungUp).as("the reasoner was closed long before").isDone();
  }

  @Test
  void aBufferedClientThatLeavesCannotBeNoticedButLeavesNothingBehind() throws Exception {
    UPSTREAM.script(
        "cf-slow-answer",
        ex -> {
          FaultUpstream.pause(Duration.ofMillis(1500));
          UpstreamFault.answer(ex, "Nobody reads this.");
        });

    sendAndLeave(
        "{\"model\":\"faulty:cf-slow-answer\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        Duration.ofMillis(200));

    assertThat(UPSTREAM.awaitNoOpenConnections(Duration.ofSeconds(10)))
        .as("the upstream call ran to its end (a buffered answer has nothing to write before it)")
        .isTrue();
    HttpResponse<String> next =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"faulty:cf-slow-answer\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(next.statusCode()).isEqualTo(200);
  }

  // --- a client that reads slowly
  // ------------------------------------------------------------------

  @Test
  void aSlowReaderThrottlesTheUpstreamInsteadOfFillingTheHeap() throws Exception {
    int eventChars = 64 * 1024;
    int events = 1024;
    long streamBytes = (long) eventChars * events;
    String text = "y".repeat(eventChars);
    UPSTREAM.script(
        "cf-flood",
        ex -> {
          for (int i = 0; i < events; i++) {
            if (!ex.event(UpstreamFault.delta(ex.model, "content", text))) {
              return;
            }
          }
          ex.event(UpstreamFault.finish(ex.model));
          ex.event("[DONE]");
          ex.endStream();
        });
    double heapBefore = METRICS.usedHeap();

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(8 * 1024);
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      send(socket, streamBody("faulty:cf-flood"));
      InputStream in = socket.getInputStream();
      FaultUpstream.Exchange upstream = only("cf-flood");
      long last = -1;
      long stableSince = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      int read = 0;
      while (System.nanoTime() < deadline) {
        if (in.read() < 0) {
          break;
        }
        read++;
        FaultUpstream.pause(Duration.ofMillis(50));
        long written = upstream.bytesWritten.get();
        if (written != last) {
          last = written;
          stableSince = System.nanoTime();
        } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
          break;
        }
      }
      double heapThrottled = METRICS.usedHeap();
      System.out.printf(
          "SLOW-READER client read %d bytes; upstream wrote %.1f MB of %.1f MB, then blocked;"
              + " server heap %.0f MB before, %.0f MB while throttled%n",
          read, last / 1e6, streamBytes / 1e6, heapBefore / 1e6, heapThrottled / 1e6);
      assertThat(last)
          .as("the upstream is held back by TCP backpressure, not read into memory")
          .isLessThan(streamBytes / 2);
      assertThat(upstream.hungUp).as("the upstream is still open, only paused").isNotDone();
      socket.close();
      long closedAt = System.nanoTime();
      long hungUpAt = upstream.hungUp.get(15, TimeUnit.SECONDS);
      System.out.printf(
          "SLOW-READER upstream closed %d ms after the client left%n",
          TimeUnit.NANOSECONDS.toMillis(hungUpAt - closedAt));
    }
  }

  // --- many clients that say nothing -------------------------------------------------------------

  @Test
  void aCrowdOfIdleConnectionsDoesNotStopTheProxyAnsweringOthers() throws Exception {
    UPSTREAM.script("cf-quick", ex -> UpstreamFault.answer(ex, "Still here."));
    double threadsBefore = METRICS.threads();
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        if (i % 4 == 0) {
          OutputStream out = socket.getOutputStream();
          out.write(
              ("POST " + base.getPath() + "v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        idle.add(socket);
      }
      double threadsWithCrowd = METRICS.threads();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> response =
            client.post(
                "v1/chat/completions",
                "{\"model\":\"faulty:cf-quick\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(millis).as("answered promptly beside 200 idle connections").isLessThan(5000);
      }
      System.out.printf(
          "IDLE-CROWD server threads: %.0f before, %.0f with 200 idle connections%n",
          threadsBefore, threadsWithCrowd);
      assertThat(threadsWithCrowd)
          .as("idle connections do not hold a thread each")
          .isLessThan(threadsBefore + 100);
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  @AfterAll
  static void leavesNoUpstreamConnectionOpen() throws Exception {
    assertThat(UPSTREAM.awaitNoOpenConnections(Duration.ofSeconds(15))).isTrue();
    assertThat(UPSTREAM.abandonedConnections()).isZero();
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Sends a request on a raw connection, waits, and closes it; returns when it closed. */
  private long sendAndLeave(String body, Duration stay) throws IOException, InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      send(socket, body);
      FaultUpstream.pause(stay);
    }
    return System.nanoTime();
  }

  private void send(Socket socket, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + base.getPath()
            + "v1/chat/completions HTTP/1.1\r\nHost: "
            + base.getHost()
            + ":"
            + base.getPort()
            + "\r\nAuthorization: Bearer "
            + ProxyClient.CLIENT_KEY
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** The one request a model got, once it arrived. */
  private static FaultUpstream.Exchange only(String model) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (UPSTREAM.requests(model).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<FaultUpstream.Exchange> requests = UPSTREAM.requests(model);
    assertThat(requests).as("requests to " + model).hasSize(1);
    return requests.get(0);
  }

  private static String streamBody(String model) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static void endlessReasoning(FaultUpstream.Exchange ex) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (!ex.event(UpstreamFault.delta(ex.model, "reasoning_content", "Thought " + i + ". "))) {
        return;
      }
      FaultUpstream.pause(Duration.ofMillis(50));
    }
    ex.endStream();
  }

  private static void endlessAnswer(FaultUpstream.Exchange ex) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (!ex.event(UpstreamFault.delta(ex.model, "content", "word " + i + " "))) {
        return;
      }
      FaultUpstream.pause(Duration.ofMillis(50));
    }
    ex.endStream();
  }
}
