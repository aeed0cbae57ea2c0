package dev.hybridproxy.api;

import dev.hybridproxy.engine.Telemetry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the one log line of a request says: id (also sent as {@code x-request-id}), who asked, for
 * which model, how it ended and how long it took. Never a body, a key or a token.
 */
final class RequestRecord {
  static final String PROPERTY = RequestRecord.class.getName();
  private static final Logger LOG = System.getLogger("dev.hybridproxy.requests");
  private static final int MAX_FIELD = 200;

  final String id;
  final long startNanos = System.nanoTime();
  private final String method;
  private final String path;
  private volatile String subject = "-";
  private volatile String model = "-";
  private volatile boolean stream;
  private volatile String reasoning = "-";
  private volatile String backend = "none";
  private final Telemetry telemetry;
  private final AtomicBoolean logged = new AtomicBoolean();

  RequestRecord(String method, String path, Telemetry telemetry) {
    this.telemetry = telemetry;
    this.id = newId();
    this.method = method;
    this.path = path;
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "req_"
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Integer.toHexString(random.nextInt() | 0x10000000);
  }

  void subject(String value) {
    subject = value;
  }

  /**
   * @param backendLabel a label of bounded cardinality: a configured backend name, {@code hybrid}
   *     or {@code unknown}
   */
  void model(String value, boolean streaming, String backendLabel) {
    model = value;
    stream = streaming;
    backend = backendLabel;
  }

  void firstToken() {
    telemetry.timeToFirstToken(backend, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  void reasoning(String value) {
    reasoning = value;
  }

  /** Writes the request's line once, when it is over (for a stream: when the stream ends). */
  void finish(int status, String outcome) {
    if (!logged.compareAndSet(false, true)) {
      return;
    }
    long nanos = System.nanoTime() - startNanos;
    long millis = nanos / 1_000_000;
    telemetry.request(route(), backend, status, Duration.ofNanos(nanos));
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    // built here rather than as a MessageFormat pattern, which is parsed again on every call
    LOG.log(
        Level.INFO,
        new StringBuilder(192)
            .append("request id=")
            .append(id)
            .append(" method=")
            .append(method)
            .append(" path=")
            .append(safe(path))
            .append(" subject=")
            .append(safe(subject))
            .append(" model=")
            .append(safe(model))
            .append(" stream=")
            .append(stream)
            .append(" status=")
            .append(status)
            .append(" outcome=")
            .append(outcome)
            .append(" reasoning=")
            .append(reasoning)
            .append(" duration_ms=")
            .append(millis)
            .toString());
  }

  private String route() {
    return switch (path) {
      case "/v1/chat/completions", "/v1/models" -> path;
      default -> "other";
    };
  }

  /** Quotes text from a client so it cannot forge log lines. */
  static String safe(String text) {
    if (text == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_FIELD) + 2).append('"');
    for (int i = 0; i < text.length() && i < MAX_FIELD; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > MAX_FIELD) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
