package it.dev.hybridproxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream on a JDK {@link HttpServer}, scripted per model name, that records
 * every request it got and notices when the proxy hangs up on a stream (which WireMock cannot).
 */
public final class StubUpstream {
  private static StubUpstream instance;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private volatile List<String> modelIds = List.of();

  /** What the stub does for one model. */
  @FunctionalInterface
  public interface Script {
    void answer(Exchange exchange) throws IOException, InterruptedException;
  }

  /** One request the stub received, and what became of it. */
  public static final class Exchange {
    public final String path;
    /** The raw query string, or {@code null}. */
    public final String query;
    /** The model the request names: its body's {@code model}, or Gemini's path segment. */
    public final String model;
    public final Map<String, List<String>> headers;
    public final JsonObject body;
    public final long receivedNanos = System.nanoTime();
    /** Completes with {@link System#nanoTime()} when a write fails because the client left. */
    public final CompletableFuture<Long> disconnected = new CompletableFuture<>();
    /** Events written successfully (an event is counted once its bytes were flushed). */
    public final AtomicInteger eventsWritten = new AtomicInteger();
    /** Moments a script marked ({@link System#nanoTime()}), by name. */
    public final Map<String, Long> marks = new ConcurrentHashMap<>();
    /** {@link #eventsWritten} at each mark. */
    public final Map<String, Integer> eventsAtMark = new ConcurrentHashMap<>();

    private final HttpExchange http;
    private boolean headersSent;

    Exchange(HttpExchange http, JsonObject body) {
      this.http = http;
      this.path = http.getRequestURI().getPath();
      this.query = http.getRequestURI().getRawQuery();
      this.headers = Map.copyOf(http.getRequestHeaders());
      this.body = body;
      this.model = modelOf(path, body);
    }

    /** Records that the script reached a point (e.g. wrote the end-of-reasoning marker). */
    public void mark(String name) {
      eventsAtMark.put(name, eventsWritten.get());
      marks.put(name, System.nanoTime());
    }

    /** Events written successfully since {@link #mark(String)} was called with this name. */
    public int eventsSince(String name) {
      return eventsWritten.get() - eventsAtMark.getOrDefault(name, 0);
    }

    public String header(String name) {
      List<String> values = http.getRequestHeaders().get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Answers with a complete body. */
    public void respond(int status, String contentType, String body, Map<String, String> extra)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      http.getResponseHeaders().set("Content-Type", contentType);
      extra.forEach((k, v) -> http.getResponseHeaders().set(k, v));
      http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(bytes);
      }
    }

    public void json(int status, String body) throws IOException {
      respond(status, "application/json", body, Map.of());
    }

    /** Starts an SSE answer. */
    public void startStream() throws IOException {
      if (!headersSent) {
        http.getResponseHeaders().set("Content-Type", "text/event-stream");
        http.sendResponseHeaders(200, 0);
        headersSent = true;
      }
    }

    /**
     * Writes raw SSE text and flushes; returns false (and records the time) when the client has
     * gone.
     */
    public boolean write(String raw) {
      try {
        startStream();
        OutputStream out = http.getResponseBody();
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
      } catch (IOException e) {
        disconnected.complete(System.nanoTime());
        return false;
      }
    }

    /**
     * Writes one complete event as the provider frames it ({@code event:} lines, CRLF endings) and
     * counts it; false when the client has gone.
     */
    public boolean rawEvent(String raw) {
      boolean ok = write(raw);
      if (ok) {
        eventsWritten.incrementAndGet();
      }
      return ok;
    }

    /** Writes one {@code data:} event; false when the client has gone. */
    public boolean event(String data) {
      boolean ok = write("data: " + data + "\n\n");
      if (ok) {
        eventsWritten.incrementAndGet();
      }
      return ok;
    }

    public void end() {
      try {
        http.getResponseBody().close();
      } catch (IOException e) {
        disconnected.complete(System.nanoTime());
      }
    }
  }

  private StubUpstream(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The one stub of this test JVM, on the port the test server's backends point at. */
  public static synchronized StubUpstream get() {
    if (instance == null) {
      try {
        instance = new StubUpstream(Integer.getInteger("it.stub.port"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the stub upstream", e);
      }
    }
    return instance;
  }

  public void script(String model, Script script) {
    scripts.put(model, script);
  }

  public void models(List<String> ids) {
    modelIds = List.copyOf(ids);
  }

  /** Every request the stub got, oldest first. */
  public List<Exchange> requests() {
    return List.copyOf(exchanges);
  }

  /** Every request the stub got for a model, oldest first. */
  public List<Exchange> requests(String model) {
    return exchanges.stream().filter(e -> model.equals(e.model)).toList();
  }

  /** Gemini names the model in the path ({@code .../models/NAME:generateContent}), not the body. */
  private static final Pattern GEMINI_PATH =
      Pattern.compile(".*/models/([^/:]+):(?:stream)?[gG]enerateContent$");

  private static String modelOf(String path, JsonObject body) {
    Matcher gemini = GEMINI_PATH.matcher(path);
    if (gemini.matches()) {
      return gemini.group(1);
    }
    return body == null ? null : body.getString("model", null);
  }

  public int openRequests() {
    return open.get();
  }

  private void handle(HttpExchange http) throws IOException {
    open.incrementAndGet();
    try {
      byte[] raw = http.getRequestBody().readAllBytes();
      if (http.getRequestURI().getPath().endsWith("/models")) {
        StringBuilder data = new StringBuilder();
        for (String id : modelIds) {
          data.append(data.length() == 0 ? "" : ",")
              .append("{\"id\":\"")
              .append(id)
              .append("\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"stub\"}");
        }
        new Exchange(http, null).json(200, "{\"object\":\"list\",\"data\":[" + data + "]}");
        return;
      }
      JsonObject body;
      try (JsonReader reader =
          Json.createReader(new StringReader(new String(raw, StandardCharsets.UTF_8)))) {
        body = reader.readObject();
      }
      Exchange exchange = new Exchange(http, body);
      exchanges.add(exchange);
      Script script = exchange.model == null ? null : scripts.get(exchange.model);
      if (script == null) {
        exchange.json(
            404,
            "{\"error\":{\"message\":\"The model does not exist\",\"type\":\"invalid_request_error\","
                + "\"param\":\"model\",\"code\":\"model_not_found\"}}");
        return;
      }
      script.answer(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      http.sendResponseHeaders(500, -1);
    } finally {
      open.decrementAndGet();
      http.close();
    }
  }

  /** A chat.completion.chunk with one content delta, as OpenAI sends it. */
  public static String contentChunk(String id, String model, String content) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + Json.createValue(content)
        + "},\"finish_reason\":null}]}";
  }

  public static String finishChunk(String id, String model) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
  }

  public static void pause(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }
}
