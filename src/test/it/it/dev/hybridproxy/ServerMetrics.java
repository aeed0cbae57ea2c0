package it.dev.hybridproxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads JVM figures of the test server from {@code /metrics} (MicroProfile Metrics, base scope).
 */
final class ServerMetrics {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI metrics;

  ServerMetrics() {
    this(URI.create("http://localhost:" + Integer.getInteger("it.http.port") + "/metrics"));
  }

  ServerMetrics(URI metrics) {
    this.metrics = metrics;
  }

  /** Live JVM threads ({@code thread_count}). */
  double threads() throws IOException, InterruptedException {
    return value("thread_count");
  }

  /** Used heap in bytes ({@code memory_usedHeap_bytes}). */
  double usedHeap() throws IOException, InterruptedException {
    return value("memory_usedHeap_bytes");
  }

  /** Polls until the thread count is at most {@code limit}; returns the last reading. */
  double awaitThreadsAtMost(double limit, Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    double threads = threads();
    while (threads > limit && System.nanoTime() < deadline) {
      Thread.sleep(500);
      threads = threads();
    }
    return threads;
  }

  private double value(String name) throws IOException, InterruptedException {
    String text =
        http.send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher matcher =
        Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})?\\s+([0-9.Ee+-]+)$").matcher(text);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + name + " in /metrics");
    }
    return Double.parseDouble(matcher.group(1));
  }
}
