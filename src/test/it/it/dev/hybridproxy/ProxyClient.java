package it.dev.hybridproxy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A plain HTTP client for the proxy under test, recording when each SSE line arrived. */
public final class ProxyClient {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  /** The client key the test server accepts (see src/test/liberty/server.env). */
  public static final String CLIENT_KEY = "sk-it-client-0000000000000001";

  private final URI base;
  private final String[] credentials;

  public ProxyClient(URL base) {
    this(base, "Authorization", "Bearer " + CLIENT_KEY);
  }

  private ProxyClient(URL base, String... credentials) {
    this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    this.credentials = credentials;
  }

  /** A client that presents these headers instead of the default key (none for no headers). */
  public static ProxyClient presenting(URL base, String... credentials) {
    return new ProxyClient(base, credentials);
  }

  private void authenticate(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("x-api-key")) {
        return;
      }
    }
    for (int i = 0; i + 1 < credentials.length; i += 2) {
      request.header(credentials[i], credentials[i + 1]);
    }
  }

  public URI uri(String path) {
    return base.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  public HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    return post(Duration.ofSeconds(30), path, body, headers);
  }

  /** {@link #post(String, String, String...)} for an answer that may take up to {@code wait}. */
  public HttpResponse<String> post(Duration wait, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(wait)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    authenticate(request, headers);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    authenticate(request);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One line of an SSE answer and when it arrived. */
  public record Line(String text, long arrivedNanos) {
    public boolean isData() {
      return text.startsWith("data: ");
    }

    public String data() {
      return text.substring("data: ".length());
    }

    public JsonObject json() {
      try (JsonReader reader = Json.createReader(new StringReader(data()))) {
        return reader.readObject();
      }
    }
  }

  /** A streamed answer read line by line. */
  public record Stream(HttpResponse<InputStream> response, List<Line> lines) {
    public List<Line> data() {
      return lines.stream().filter(Line::isData).toList();
    }

    public List<JsonObject> chunks() {
      return data().stream().filter(l -> !l.data().equals("[DONE]")).map(Line::json).toList();
    }

    public String content() {
      StringBuilder text = new StringBuilder();
      for (JsonObject chunk : chunks()) {
        var choices = chunk.getJsonArray("choices");
        if (choices != null && !choices.isEmpty()) {
          var delta = choices.getJsonObject(0).getJsonObject("delta");
          if (delta != null && delta.containsKey("content") && !delta.isNull("content")) {
            text.append(delta.getString("content"));
          }
        }
      }
      return text.toString();
    }
  }

  /** Streams a request to the end. */
  public Stream stream(String body, String... headers) throws IOException, InterruptedException {
    return stream(body, line -> false, headers);
  }

  /**
   * Streams a request and stops reading (closing the connection) once {@code stop} accepts a line.
   */
  public Stream stream(String body, Predicate<Line> stop, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri("v1/chat/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    authenticate(request, headers);
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    List<Line> lines = new ArrayList<>();
    InputStream in = response.body();
    try {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String text;
      while ((text = reader.readLine()) != null) {
        if (text.isEmpty()) {
          continue;
        }
        Line line = new Line(text, System.nanoTime());
        lines.add(line);
        if (stop.test(line)) {
          break;
        }
      }
    } finally {
      in.close();
    }
    return new Stream(response, lines);
  }
}
