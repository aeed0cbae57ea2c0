package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import it.dev.hybridproxy.UpstreamFault.Channel;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix (issue 7, docs/reliability.md): every upstream fault, where it happens (a plain
 * request, the hybrid reasoning leg, the hybrid execution leg), for a buffered and a streamed
 * client. Each cell's expected outcome is written below in a small notation that the observed
 * outcome is rendered into, so a failure shows both side by side:
 *
 * <ul>
 *   <li>{@code 502 upstream_error}: HTTP status and the envelope's {@code type};
 *   <li>{@code 200 sse}: a stream started; it ends in {@code done} (exactly one {@code [DONE]},
 *       last) or {@code error-event=TYPE} (exactly one error event, last, no {@code [DONE]});
 *   <li>{@code reasoning=STATUS/END}: the {@code hybrid.reasoning} metadata the client got;
 *   <li>{@code reasoning-deltas}, {@code content}, {@code content=5MB}: what the stream carried;
 *   <li>{@code retry-after=7}, {@code no-retry}: the {@code Retry-After} and {@code x-should-retry:
 *       false} headers;
 *   <li>{@code injected}: the execution upstream's request carried the reasoning.
 * </ul>
 *
 * Besides its outcome, every cell must: finish well within its timeouts, leave no upstream
 * connection open, never show a key, an internal URL or an HTML page, and keep the stream's
 * identity stable. After the matrix the server's thread count is back near its baseline. Backend
 * {@code faulty} (server.env) waits 4 s for headers; the reasoning leg may take 3 s and the
 * execution leg 5 s; heartbeats are 1 s.
 */
@ExtendWith(ArquillianExtension.class)
class FaultMatrixIT {
  private static final FaultUpstream UPSTREAM = FaultUpstream.get();
  private static final ServerMetrics METRICS = new ServerMetrics();
  private static double baselineThreads;

  /** Where the fault happens. */
  enum Place {
    PLAIN,
    REASONING_LEG,
    EXECUTION_LEG
  }

  /** How the client asked. */
  enum Mode {
    BUFFERED,
    STREAMED
  }

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeAll
  static void measureBaseline() throws Exception {
    baselineThreads = METRICS.threads();
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
  }

  static Stream<Arguments> matrix() {
    return Stream.of(
        // ---- plain request ----------------------------------------------------------------------
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.HTTP_500, "502 upstream_error"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.HTML_503, "502 upstream_error"),
        cell(
            Place.PLAIN,
            Mode.BUFFERED,
            UpstreamFault.RATE_LIMITED_429,
            "429 rate_limit_error retry-after=7"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.CONNECTION_REFUSED, "502 upstream_error"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.NO_HEADERS, "504 upstream_timeout"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.STALL, "504 upstream_timeout"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.RESET, "502 upstream_error"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.MALFORMED, "502 upstream_error"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.NO_DONE, "502 upstream_error"),
        cell(Place.PLAIN, Mode.BUFFERED, UpstreamFault.HUGE_EVENT, "200 content=5MB"),
        cell(Place.PLAIN, Mode.STREAMED, UpstreamFault.HTTP_500, "502 upstream_error"),
        cell(Place.PLAIN, Mode.STREAMED, UpstreamFault.HTML_503, "502 upstream_error"),
        cell(
            Place.PLAIN,
            Mode.STREAMED,
            UpstreamFault.RATE_LIMITED_429,
            "429 rate_limit_error retry-after=7"),
        cell(Place.PLAIN, Mode.STREAMED, UpstreamFault.CONNECTION_REFUSED, "502 upstream_error"),
        cell(
            Place.PLAIN,
            Mode.STREAMED,
            UpstreamFault.NO_HEADERS,
            "200 sse error-event=upstream_timeout"),
        cell(
            Place.PLAIN,
            Mode.STREAMED,
            UpstreamFault.STALL,
            "200 sse content error-event=upstream_timeout"),
        cell(
            Place.PLAIN,
            Mode.STREAMED,
            UpstreamFault.RESET,
            "200 sse content error-event=upstream_error"),
        cell(
            Place.PLAIN,
            Mode.STREAMED,
            UpstreamFault.MALFORMED,
            "200 sse content error-event=upstream_error"),
        cell(Place.PLAIN, Mode.STREAMED, UpstreamFault.NO_DONE, "200 sse content done"),
        cell(Place.PLAIN, Mode.STREAMED, UpstreamFault.HUGE_EVENT, "200 sse content=5MB done"),
        // ---- hybrid reasoning leg (failure mode "continue")
        // ---------------------------------------
        cell(Place.REASONING_LEG, Mode.BUFFERED, UpstreamFault.HTTP_500, "200 reasoning=failed"),
        cell(Place.REASONING_LEG, Mode.BUFFERED, UpstreamFault.HTML_503, "200 reasoning=failed"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.RATE_LIMITED_429,
            "200 reasoning=failed"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.CONNECTION_REFUSED,
            "200 reasoning=failed"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.NO_HEADERS,
            "200 reasoning=timeout/timeout"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.STALL,
            "200 reasoning=timeout/timeout injected"),
        cell(Place.REASONING_LEG, Mode.BUFFERED, UpstreamFault.RESET, "200 reasoning=failed"),
        cell(Place.REASONING_LEG, Mode.BUFFERED, UpstreamFault.MALFORMED, "200 reasoning=failed"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.NO_DONE,
            "200 reasoning=used/finish_reason injected"),
        cell(
            Place.REASONING_LEG,
            Mode.BUFFERED,
            UpstreamFault.HUGE_EVENT,
            "200 reasoning=used/limit injected"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.HTTP_500,
            "200 sse reasoning=failed content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.HTML_503,
            "200 sse reasoning=failed content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.RATE_LIMITED_429,
            "200 sse reasoning=failed content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.CONNECTION_REFUSED,
            "200 sse reasoning=failed content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.NO_HEADERS,
            "200 sse reasoning=timeout/timeout content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.STALL,
            "200 sse reasoning=timeout/timeout reasoning-deltas content done injected"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.RESET,
            "200 sse reasoning=failed reasoning-deltas content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.MALFORMED,
            "200 sse reasoning=failed reasoning-deltas content done"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.NO_DONE,
            "200 sse reasoning=used/finish_reason reasoning-deltas content done injected"),
        cell(
            Place.REASONING_LEG,
            Mode.STREAMED,
            UpstreamFault.HUGE_EVENT,
            "200 sse reasoning=used/limit reasoning-deltas content done injected"),
        // ---- hybrid execution leg (the reasoning leg ran and was paid)
        // ---------------------------
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.HTTP_500,
            "502 upstream_error no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.HTML_503,
            "502 upstream_error no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.RATE_LIMITED_429,
            "429 rate_limit_error retry-after=7 no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.CONNECTION_REFUSED,
            "502 upstream_error no-retry"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.NO_HEADERS,
            "504 upstream_timeout no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.STALL,
            "504 upstream_timeout no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.RESET,
            "502 upstream_error no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.MALFORMED,
            "502 upstream_error no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.NO_DONE,
            "502 upstream_error no-retry injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.BUFFERED,
            UpstreamFault.HUGE_EVENT,
            "200 reasoning=used/channel content=5MB injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.HTTP_500,
            "200 sse reasoning-deltas error-event=upstream_error injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.HTML_503,
            "200 sse reasoning-deltas error-event=upstream_error injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.RATE_LIMITED_429,
            "200 sse reasoning-deltas error-event=rate_limit_error injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.CONNECTION_REFUSED,
            "200 sse reasoning-deltas error-event=upstream_error"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.NO_HEADERS,
            "200 sse reasoning-deltas error-event=upstream_timeout injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.STALL,
            "200 sse reasoning-deltas content error-event=upstream_timeout injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.RESET,
            "200 sse reasoning-deltas content error-event=upstream_error injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.MALFORMED,
            "200 sse reasoning-deltas content error-event=upstream_error injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.NO_DONE,
            "200 sse reasoning=used/channel reasoning-deltas content done injected"),
        cell(
            Place.EXECUTION_LEG,
            Mode.STREAMED,
            UpstreamFault.HUGE_EVENT,
            "200 sse reasoning=used/channel reasoning-deltas content=5MB done injected"));
  }

  private static Arguments cell(Place place, Mode mode, UpstreamFault fault, String expected) {
    return Arguments.of(place, mode, fault, expected);
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @MethodSource("matrix")
  void answersEveryFaultAsDocumented(Place place, Mode mode, UpstreamFault fault, String expected)
      throws Exception {
    String cell = (place + "-" + mode + "-" + fault).toLowerCase(Locale.ROOT).replace('_', '-');
    String faultyModel = "f-" + cell;
    String reasoner = "r-" + cell;
    String executor = "x-" + cell;
    String refused = "down:anything";
    String selector =
        switch (place) {
          case PLAIN ->
              fault == UpstreamFault.CONNECTION_REFUSED ? refused : "faulty:" + faultyModel;
          case REASONING_LEG ->
              "hybrid:["
                  + (fault == UpstreamFault.CONNECTION_REFUSED ? refused : "faulty:" + faultyModel)
                  + ",faulty:"
                  + executor
                  + "]";
          case EXECUTION_LEG ->
              "hybrid:[faulty:"
                  + reasoner
                  + ","
                  + (fault == UpstreamFault.CONNECTION_REFUSED ? refused : "faulty:" + faultyModel)
                  + "]";
        };
    Channel channel = place == Place.REASONING_LEG ? Channel.REASONING : Channel.CONTENT;
    UPSTREAM.script(faultyModel, ex -> fault.play(ex, channel));
    UPSTREAM.script(reasoner, ex -> UpstreamFault.reason(ex, "Plan the answer. ", "Check it. "));
    UPSTREAM.script(executor, ex -> UpstreamFault.answer(ex, "The ", "answer."));
    String body =
        "{\"model\":\""
            + selector
            + "\""
            + (mode == Mode.STREAMED ? ",\"stream\":true" : "")
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Solve it\"}]}";

    long start = System.nanoTime();
    Observed observed =
        mode == Mode.STREAMED
            ? streamed(client.stream(body))
            : buffered(client.post("v1/chat/completions", body));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    String executionModel = place == Place.EXECUTION_LEG ? faultyModel : executor;
    boolean hybrid = place != Place.PLAIN;
    String outcome = observed.render(hybrid && injected(executionModel));
    System.out.printf("FAULT-MATRIX %-40s %-75s %6d ms%n", cell, outcome, tookMillis);
    assertThat(outcome).as("outcome of %s (%s)", cell, fault.description()).isEqualTo(expected);
    assertThat(tookMillis)
        .as("never hangs: bounded by the 5 s execution timeout")
        .isLessThan(15_000);
    assertThat(UPSTREAM.awaitNoOpenConnections(Duration.ofSeconds(10)))
        .as("every upstream connection of %s is closed", cell)
        .isTrue();
    assertThat(UPSTREAM.abandonedConnections())
        .as("upstream calls the proxy never closed")
        .isZero();
    for (FaultUpstream.Exchange sent : UPSTREAM.requests()) {
      if (sent.model != null && sent.model.endsWith(cell)) {
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-it-faulty-0000000000000000");
      }
    }
    if (hybrid && fault != UpstreamFault.CONNECTION_REFUSED) {
      assertThat(UPSTREAM.requests(place == Place.REASONING_LEG ? faultyModel : reasoner))
          .as("the reasoning leg ran once, never retried")
          .hasSize(1);
    }
    if (place == Place.REASONING_LEG) {
      assertThat(UPSTREAM.requests(executor)).as("the execution leg ran once").hasSize(1);
    }
  }

  @AfterAll
  static void leavesNoConnectionOrThreadBehind() throws Exception {
    assertThat(UPSTREAM.awaitNoOpenConnections(Duration.ofSeconds(10))).isTrue();
    assertThat(UPSTREAM.abandonedConnections()).isZero();
    double threads = METRICS.awaitThreadsAtMost(baselineThreads + 25, Duration.ofSeconds(30));
    System.out.printf(
        "FAULT-MATRIX server threads: %.0f before, %.0f after%n", baselineThreads, threads);
    assertThat(threads)
        .as("server threads after the matrix (baseline %s)", baselineThreads)
        .isLessThanOrEqualTo(baselineThreads + 25);
  }

  private static boolean injected(String executionModel) {
    List<FaultUpstream.Exchange> sent = UPSTREAM.requests(executionModel);
    return !sent.isEmpty()
        && sent.get(sent.size() - 1).body.contains("Consider this reasoning when formulating");
  }

  // --- observing an answer ----------------------------------------------------------------------

  /** What the client saw, rendered in the notation of the matrix. */
  private record Observed(
      int status,
      String errorType,
      boolean sse,
      String reasoning,
      boolean reasoningDeltas,
      long contentChars,
      String ending,
      String retryAfter,
      boolean noRetry) {

    String render(boolean injected) {
      List<String> tokens = new ArrayList<>();
      tokens.add(Integer.toString(status));
      if (errorType != null && !sse) {
        tokens.add(errorType);
      } else if (sse) {
        tokens.add("sse");
      }
      if (reasoning != null) {
        tokens.add("reasoning=" + reasoning);
      }
      if (reasoningDeltas) {
        tokens.add("reasoning-deltas");
      }
      if (contentChars >= UpstreamFault.HUGE_CHARS) {
        tokens.add("content=5MB");
      } else if (sse && contentChars > 0) {
        tokens.add("content");
      }
      if (ending != null) {
        tokens.add(ending);
      }
      if (retryAfter != null) {
        tokens.add("retry-after=" + retryAfter);
      }
      if (noRetry) {
        tokens.add("no-retry");
      }
      if (injected) {
        tokens.add("injected");
      }
      return String.join(" ", tokens);
    }
  }

  private static Observed buffered(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
    JsonObject body = parse(response.body());
    assertClean(response.body());
    String errorType = null;
    String reasoning = null;
    long content = 0;
    if (response.statusCode() != 200) {
      errorType = envelope(body);
    } else {
      JsonObject message = body.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
      content = message.getString("content", "").length();
      reasoning = reasoning(body);
      if (reasoning != null) {
        assertThat(response.headers().firstValue("X-Hybrid-Reasoning"))
            .contains(reasoning.split("/")[0]);
      }
    }
    return new Observed(
        response.statusCode(),
        errorType,
        false,
        reasoning,
        false,
        content,
        null,
        response.headers().firstValue("Retry-After").orElse(null),
        noRetry(response.headers()));
  }

  private static Observed streamed(ProxyClient.Stream stream) {
    HttpResponse<?> response = stream.response();
    if (response.statusCode() != 200) {
      String text = stream.lines().stream().map(ProxyClient.Line::text).reduce("", String::concat);
      assertClean(text);
      return new Observed(
          response.statusCode(),
          envelope(parse(text)),
          false,
          null,
          false,
          0,
          null,
          response.headers().firstValue("Retry-After").orElse(null),
          noRetry(response.headers()));
    }
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    assertThat(stream.lines().get(0).text()).as("a comment goes out at once").startsWith(":");
    List<ProxyClient.Line> data = stream.data();
    assertThat(data).as("a stream that started carries at least its end").isNotEmpty();
    long done = data.stream().filter(l -> l.data().equals("[DONE]")).count();
    List<JsonObject> chunks = new ArrayList<>();
    List<JsonObject> errors = new ArrayList<>();
    for (ProxyClient.Line line : data) {
      if (line.data().equals("[DONE]")) {
        continue;
      }
      assertClean(line.data().length() > 10_000 ? line.data().substring(0, 10_000) : line.data());
      JsonObject json = line.json();
      (json.containsKey("error") ? errors : chunks).add(json);
    }
    String last = data.get(data.size() - 1).data();
    String ending;
    if (done == 1 && errors.isEmpty() && last.equals("[DONE]")) {
      ending = "done";
    } else if (done == 0 && errors.size() == 1 && last.startsWith("{\"error\"")) {
      ending = "error-event=" + envelope(errors.get(0));
    } else {
      ending = "BROKEN-END(done=" + done + ",errors=" + errors.size() + ")";
    }
    String reasoning = null;
    boolean reasoningDeltas = false;
    long content = 0;
    for (JsonObject chunk : chunks) {
      assertThat(chunk.getString("id")).isEqualTo(chunks.get(0).getString("id"));
      assertThat(chunk.getString("model")).isEqualTo(chunks.get(0).getString("model"));
      if (chunk.containsKey("hybrid")) {
        reasoning = reasoning(chunk);
      }
      JsonObject delta = delta(chunk);
      if (delta != null) {
        reasoningDeltas |= delta.get("reasoning_content") instanceof JsonString;
        if (delta.get("content") instanceof JsonString text) {
          content += text.getString().length();
        }
      }
    }
    if (reasoning != null) {
      String header = response.headers().firstValue("X-Hybrid-Reasoning").orElse(null);
      assertThat(header == null || reasoning.startsWith(header))
          .as("X-Hybrid-Reasoning %s agrees with the metadata %s", header, reasoning)
          .isTrue();
    }
    return new Observed(
        200,
        null,
        true,
        reasoning,
        reasoningDeltas,
        content,
        ending,
        null,
        noRetry(response.headers()));
  }

  /** {@code status/end} of the {@code hybrid.reasoning} metadata, or {@code null}. */
  private static String reasoning(JsonObject answer) {
    if (!(answer.get("hybrid") instanceof JsonObject hybrid)) {
      return null;
    }
    JsonObject reasoning = hybrid.getJsonObject("reasoning");
    String status = reasoning.getString("status");
    return reasoning.get("end") instanceof JsonString end && !status.equals("failed")
        ? status + "/" + end.getString()
        : status;
  }

  private static JsonObject delta(JsonObject chunk) {
    if (chunk.get("choices") instanceof JsonArray choices
        && !choices.isEmpty()
        && choices.get(0) instanceof JsonObject choice
        && choice.get("delta") instanceof JsonObject delta) {
      return delta;
    }
    return null;
  }

  /** The envelope's {@code type}, after checking its shape. */
  private static String envelope(JsonObject body) {
    JsonObject error = body.getJsonObject("error");
    assertThat(error).as("an OpenAI error envelope: %s", body).isNotNull();
    assertThat(error.keySet()).contains("message", "type", "param", "code");
    assertThat(error.get("message")).isInstanceOf(JsonString.class);
    return error.getString("type");
  }

  private static boolean noRetry(HttpHeaders headers) {
    return headers.firstValue("x-should-retry").filter("false"::equals).isPresent();
  }

  /** No key, no internal address, no HTML page, no stack trace reaches the client. */
  private static void assertClean(String text) {
    assertThat(text)
        .doesNotContain("sk-it-")
        .doesNotContain("127.0.0.1")
        .doesNotContainIgnoringCase("<html")
        .doesNotContain("\tat ");
  }

  private static JsonObject parse(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      JsonValue value = reader.readValue();
      assertThat(value).as("a JSON object: %s", text).isInstanceOf(JsonObject.class);
      return value.asJsonObject();
    }
  }
}
