package dev.hybridproxy.backend.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.ws.rs.ProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamHttpTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(UpstreamHttp.class.getName());
  private final Handler capture =
      new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(formatter.format(record));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private UpstreamHttp http;

  @BeforeEach
  void setUp() {
    logger.addHandler(capture);
    http = new UpstreamHttp(new StallGuard(scheduler, Duration.ofSeconds(1), System::nanoTime));
  }

  @AfterEach
  void tearDown() {
    logger.removeHandler(capture);
    http.close();
    scheduler.shutdownNow();
  }

  @Test
  void logsWhyAnUpstreamConnectionBrokeAndAnswers502() throws Exception {
    try (ServerSocket upstream = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread hangUp = new Thread(() -> readRequestThenHangUp(upstream));
      hangUp.setDaemon(true);
      hangUp.start();
      URI uri =
          URI.create(
              "http://127.0.0.1:"
                  + upstream.getLocalPort()
                  + "/v1/chat/completions?key=sk-in-query");

      assertThatThrownBy(
              () ->
                  http.postJson(
                      "flaky",
                      uri,
                      Map.of("Authorization", "Bearer sk-flaky-secret"),
                      "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8),
                      "application/json",
                      Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              ProxyException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                assertThat(e.getMessage()).startsWith("The connection to backend 'flaky' failed: ");
              });
      hangUp.join(5_000);
    }

    assertThat(warnings)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line).contains("Backend 'flaky': the connection failed", "<- java.io.");
              assertThat(line).doesNotContain("sk-in-query", "sk-flaky-secret");
            });
  }

  @Test
  void leavesARefusedConnectionToTheClientsErrorAlone() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }

    assertThatThrownBy(
            () ->
                http.postJson(
                    "down",
                    URI.create("http://127.0.0.1:" + closedPort + "/v1/chat/completions"),
                    Map.of(),
                    new byte[0],
                    "application/json",
                    Duration.ofSeconds(10)))
        .hasMessage("Could not connect to backend 'down'");
    assertThat(warnings).isEmpty();
  }

  @Test
  void describesAFailureWithoutTheUrlsInItsMessages() {
    ProcessingException failure =
        new ProcessingException(
            "POST https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?key=AIza-secret failed",
            new IOException("HTTP/1.1 header parser received no bytes"));

    String text = UpstreamHttp.describe(failure);

    assertThat(text)
        .isEqualTo(
            "the connection failed: jakarta.ws.rs.ProcessingException: POST <url> failed"
                + " <- java.io.IOException: HTTP/1.1 header parser received no bytes");
  }

  private static void readRequestThenHangUp(ServerSocket upstream) {
    try (Socket client = upstream.accept()) {
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[8192];
      StringBuilder received = new StringBuilder();
      int n;
      while ((n = in.read(buffer)) > 0) {
        received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        if (received.indexOf("{\"model\":\"m\"}") >= 0) {
          break;
        }
      }
    } catch (IOException e) {
      // the test sees the outcome on the client side
    }
  }
}
