package dev.hybridproxy.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted upstream on a JDK {@link HttpServer} for adapter tests: answers from fixture files,
 * records every request exactly as it arrived, and notices when the client hangs up on a stream.
 */
public final class FixtureUpstream implements AutoCloseable {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Script> routes = new LinkedHashMap<>();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();

  /** What the stub does for requests whose path contains a fragment. */
  @FunctionalInterface
  public interface Script {
    void answer(Exchange exchange) throws Exception;
  }

  /**
   * One request as the stub received it.
   *
   * @param query the raw query string, or {@code null}
   */
  public record Recorded(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return FixtureUpstream.json(text());
    }

    /** The body as an {@code application/x-www-form-urlencoded} form. */
    public Map<String, String> form() {
      Map<String, String> form = new LinkedHashMap<>();
      for (String pair : text().split("&")) {
        int equals = pair.indexOf('=');
        form.put(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
      return form;
    }
  }

  /** The answer being written. */
  public static final class Exchange {
    private final HttpExchange http;
    private final Recorded request;
    private boolean headersSent;

    /** Completes with {@link System#nanoTime()} when a write fails because the client left. */
    public final CompletableFuture<Long> disconnected = new CompletableFuture<>();

    /** Writes that reached the socket. */
    public final AtomicInteger writes = new AtomicInteger();

    /** The client's port: two exchanges with the same one came over the same connection. */
    public final int clientPort;

    Exchange(HttpExchange http, Recorded request) {
      this.http = http;
      this.request = request;
      this.clientPort = http.getRemoteAddress().getPort();
    }

    public Recorded request() {
      return request;
    }

    public void respond(int status, String contentType, String body, Map<String, String> headers)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      http.getResponseHeaders().set("Content-Type", contentType);
      headers.forEach((k, v) -> http.getResponseHeaders().set(k, v));
      http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(bytes);
      }
    }

    public void json(int status, String body) throws IOException {
      respond(status, "application/json", body, Map.of());
    }

    /** Writes raw stream text and flushes; false (and the time recorded) once the client left. */
    public boolean write(String raw) {
      try {
        if (!headersSent) {
          http.getResponseHeaders().set("Content-Type", "text/event-stream");
          http.sendResponseHeaders(200, 0);
          headersSent = true;
        }
        OutputStream out = http.getResponseBody();
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
        writes.incrementAndGet();
        return true;
      } catch (IOException e) {
        disconnected.complete(System.nanoTime());
        return false;
      }
    }

    /** Writes a stream fixture event by event, as the upstream would produce it. */
    public boolean writeEvents(String raw) {
      for (String event : events(raw)) {
        if (!write(event)) {
          return false;
        }
      }
      return true;
    }

    /** Keeps writing {@code tick} every 50 ms until the client leaves or {@code max} passes. */
    public void tickUntilGone(String tick, Duration max) throws InterruptedException {
      long end = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < end) {
        if (!write(tick)) {
          return;
        }
        Thread.sleep(50);
      }
    }
  }

  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

  public FixtureUpstream() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:port} */
  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers requests whose path and query contain {@code fragment}; the first match wins. */
  public FixtureUpstream on(String fragment, Script script) {
    routes.put(fragment, script);
    return this;
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public List<Recorded> requests(String fragment) {
    return requests.stream().filter(r -> (r.path() + "?" + r.query()).contains(fragment)).toList();
  }

  public Recorded last() {
    if (requests.isEmpty()) {
      throw new AssertionError("the upstream got no request");
    }
    return requests.get(requests.size() - 1);
  }

  /** The answers written so far, oldest first. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  private void handle(HttpExchange http) throws IOException {
    try {
      byte[] body = http.getRequestBody().readAllBytes();
      Recorded request =
          new Recorded(
              http.getRequestMethod(),
              http.getRequestURI().getPath(),
              http.getRequestURI().getRawQuery(),
              Map.copyOf(http.getRequestHeaders()),
              body);
      requests.add(request);
      Exchange exchange = new Exchange(http, request);
      exchanges.add(exchange);
      String target = request.path() + "?" + request.query();
      Script script =
          routes.entrySet().stream()
              .filter(route -> target.contains(route.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      if (script == null) {
        exchange.json(404, "{\"error\":{\"message\":\"no route in the test stub\"}}");
        return;
      }
      script.answer(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the client left, or the script failed: the test sees it from the client side
    } finally {
      http.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- fixtures ----

  /** A fixture file's text; {@code fixtures/<provider>/<name>}. */
  public static String fixture(String provider, String name) {
    try {
      return Files.readString(FIXTURES.resolve(provider).resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean hasFixture(String provider, String name) {
    return Files.isRegularFile(FIXTURES.resolve(provider).resolve(name));
  }

  public static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  /** Raw stream text cut after each blank line, separators kept (LF or CRLF). */
  public static List<String> events(String raw) {
    List<String> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length(); i++) {
      if (raw.startsWith("\n\n", i) || raw.startsWith("\r\n\r\n", i)) {
        int end = i + (raw.charAt(i) == '\r' ? 4 : 2);
        events.add(raw.substring(start, end));
        start = end;
        i = end - 1;
      }
    }
    if (start < raw.length()) {
      events.add(raw.substring(start));
    }
    return events;
  }
}
