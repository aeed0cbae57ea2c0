package dev.hybridproxy.backend;

import static dev.hybridproxy.backend.FixtureUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hybridproxy.backend.FixtureUpstream.Recorded;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every backend adapter owes the engine, run against each adapter with its own
 * provider's fixtures: what the engine gets back <em>and</em> exactly what went upstream. The
 * client-side requests are shared ({@code fixtures/contract/}); the upstream transcripts are the
 * provider's ({@code fixtures/<provider>/}) and tell the same story, so the same assertions hold.
 */
public abstract class BackendContractTest {
  protected static final String ANSWER = "Hello! How can I help you today?";
  protected static final String REASONING =
      "The user compares 9.11 and 9.9. Compare the decimals: 0.11 < 0.90, so 9.9 is bigger.";
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private static ScheduledExecutorService timers;
  private static StallGuard stallGuard;
  protected static UpstreamHttp http;

  protected FixtureUpstream upstream;

  /** What the adapter is asked to do, for the paths it must call. */
  protected enum Call {
    BUFFERED,
    STREAMING,
    REASONING,
    MODELS
  }

  // ---- what each adapter's test supplies ----

  /** The fixture directory: {@code fixtures/<provider>/}. */
  protected abstract String provider();

  /** The adapter under test, pointed at the stub, with this first-byte/silence allowance. */
  protected abstract Backend adapter(URI upstreamBase, Duration timeout) throws Exception;

  /** The upstream model name of plain calls. */
  protected abstract String model();

  /** The upstream model name of reasoning-leg calls. */
  protected String reasoningModel() {
    return model();
  }

  /** Path and query the adapter must call, e.g. {@code /v1/messages}. */
  protected abstract String expectedTarget(Call call);

  /** Asserts the request carried the backend's credentials in the provider's header. */
  protected abstract void assertAuthenticated(Recorded request);

  /** The credential that must never show in an error. */
  protected abstract String secret();

  /** One more streamed event in the provider's format, written while the upstream keeps going. */
  protected abstract String tick(Leg leg);

  protected abstract List<String> expectedModels();

  /** The message of {@code stream-error.sse}'s error event. */
  protected abstract String streamErrorMessage();

  /** The status {@code error-5xx.json} comes with. */
  protected int serverErrorStatus() {
    return 500;
  }

  /**
   * Whether the adapter returns {@link ChunkStream#REASONING_END} itself; otherwise the first
   * answer chunk marks the end (the engine's rule for Chat Completions upstreams).
   */
  protected boolean signalsReasoningEnd() {
    return true;
  }

  /**
   * Whether a streamed answer ends with an event of its own ({@code [DONE]}, {@code message_stop}).
   */
  protected boolean marksTheEndOfAnAnswer() {
    return true;
  }

  // ---- set-up ----

  @BeforeAll
  static void startClient() {
    timers = Executors.newSingleThreadScheduledExecutor();
    stallGuard = new StallGuard(timers, Duration.ofMillis(50), System::nanoTime);
    http = new UpstreamHttp(stallGuard);
  }

  @AfterAll
  static void stopClient() {
    http.close();
    stallGuard.close();
    timers.shutdownNow();
  }

  @BeforeEach
  void startUpstream() {
    upstream = new FixtureUpstream();
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
  }

  protected Backend adapter() throws Exception {
    return adapter(upstream.base(), GENEROUS);
  }

  /** A shared client request with this adapter's model. */
  protected UpstreamRequest request(String name, String model, Leg leg) {
    JsonObject body =
        Json.createObjectBuilder(FixtureUpstream.json(fixture("contract", name)))
            .add("model", model)
            .build();
    return new UpstreamRequest(body, leg);
  }

  private JsonObject expectedBody(String name) {
    return FixtureUpstream.json(fixture(provider(), name));
  }

  private void assertSent(Recorded sent, Call call, String expectedBodyFixture) {
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path() + (sent.query() == null ? "" : "?" + sent.query()))
        .isEqualTo(expectedTarget(call));
    assertAuthenticated(sent);
    assertThat(sent.header("Content-Type")).startsWith("application/json");
    assertThat(sent.json()).isEqualTo(expectedBody(expectedBodyFixture));
  }

  // ---- buffered ----

  @Test
  void answersABufferedRequest() throws Exception {
    upstream.on("", ex -> ex.json(200, fixture(provider(), "plain.response.json")));

    JsonObject answer = adapter().complete(request("plain.json", model(), Leg.PLAIN));

    assertThat(answer.getString("object")).isEqualTo("chat.completion");
    assertThat(answer.getString("id")).isNotBlank();
    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo(ANSWER);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertUsage(answer.getJsonObject("usage"));
    assertSent(upstream.last(), Call.BUFFERED, "plain.request.json");
  }

  @Test
  void answersABufferedToolCall() throws Exception {
    upstream.on("", ex -> ex.json(200, fixture(provider(), "tools.response.json")));

    JsonObject answer = adapter().complete(request("tools.json", model(), Leg.PLAIN));

    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonArray calls = choice.getJsonObject("message").getJsonArray("tool_calls");
    assertThat(calls).hasSize(1);
    JsonObject call = calls.getJsonObject(0);
    assertThat(call.getString("id")).isNotBlank();
    assertThat(call.getString("type")).isEqualTo("function");
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
    assertThat(FixtureUpstream.json(call.getJsonObject("function").getString("arguments")))
        .isEqualTo(FixtureUpstream.json("{\"location\":\"Paris\",\"unit\":\"celsius\"}"));
    Recorded sent = upstream.last();
    assertThat(sent.path() + (sent.query() == null ? "" : "?" + sent.query()))
        .isEqualTo(expectedTarget(Call.BUFFERED));
    assertThat(withoutStream(sent.json()))
        .isEqualTo(withoutStream(expectedBody("tools.request.json")));
  }

  private static JsonObject withoutStream(JsonObject body) {
    return Json.createObjectBuilder(body).remove("stream").build();
  }

  // ---- streaming ----

  @Test
  void streamsTheAnswerChunkByChunk() throws Exception {
    upstream.on("", ex -> ex.writeEvents(fixture(provider(), "streaming.sse")));

    List<JsonObject> chunks;
    try (ChunkStream stream = adapter().stream(request("streaming.json", model(), Leg.PLAIN))) {
      chunks = drain(stream);
    }

    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.getString("object")).isEqualTo("chat.completion.chunk"));
    assertThat(chunks.stream().map(c -> c.getString("id")).distinct()).hasSize(1);
    assertThat(content(chunks)).isEqualTo(ANSWER);
    assertThat(chunks.stream().filter(c -> content(List.of(c)).length() > 0)).hasSizeGreaterThan(1);
    assertThat(finishReasons(chunks)).containsExactly("stop");
    JsonObject last = chunks.get(chunks.size() - 1);
    assertThat(last.getJsonArray("choices")).isEmpty();
    assertUsage(last.getJsonObject("usage"));
    Recorded sent = upstream.last();
    assertSent(sent, Call.STREAMING, "streaming.request.json");
    assertThat(sent.header("Accept")).contains("text/event-stream");
  }

  @Test
  void readsAFinishedStreamToItsEndSoItsConnectionIsUsedAgain() throws Exception {
    upstream.on(
        "",
        ex -> {
          ex.writeEvents(fixture(provider(), "streaming.sse"));
          Thread.sleep(100); // the end of the body comes a little after the end of the answer
        });
    Backend backend = adapter();

    for (int i = 0; i < 2; i++) {
      try (ChunkStream stream = backend.stream(request("streaming.json", model(), Leg.PLAIN))) {
        assertThat(content(drain(stream))).isEqualTo(ANSWER);
      }
    }

    assertThat(upstream.exchanges()).hasSize(2);
    assertThat(upstream.exchanges().get(1).clientPort)
        .isEqualTo(upstream.exchanges().get(0).clientPort);
  }

  @Test
  void cutsABodyThatGoesOnAfterTheEndOfTheAnswer() throws Exception {
    assumeTrue(marksTheEndOfAnAnswer(), "this provider's answers end with their body");
    upstream.on(
        "",
        ex -> {
          ex.writeEvents(fixture(provider(), "streaming.sse"));
          ex.tickUntilGone(": still here\n\n", Duration.ofSeconds(30));
        });
    long start = System.nanoTime();

    try (ChunkStream stream = adapter().stream(request("streaming.json", model(), Leg.PLAIN))) {
      assertThat(content(drain(stream))).isEqualTo(ANSWER);
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(upstream.exchanges().get(0).disconnected).succeedsWithin(Duration.ofSeconds(10));
  }

  @Test
  void streamsToolCallsWithIndexIdNameAndArgumentFragments() throws Exception {
    upstream.on("", ex -> ex.writeEvents(fixture(provider(), "tools.sse")));

    List<JsonObject> chunks;
    try (ChunkStream stream = adapter().stream(request("tools.json", model(), Leg.PLAIN))) {
      chunks = drain(stream);
    }

    Map<Integer, String[]> calls = toolCalls(chunks);
    assertThat(calls).containsOnlyKeys(0);
    String[] call = calls.get(0);
    assertThat(call[0]).as("tool call id").isNotBlank();
    assertThat(call[1]).isEqualTo("get_weather");
    assertThat(FixtureUpstream.json(call[2]))
        .isEqualTo(FixtureUpstream.json("{\"location\":\"Paris\",\"unit\":\"celsius\"}"));
    assertThat(finishReasons(chunks)).containsExactly("tool_calls");
    assertSent(upstream.last(), Call.STREAMING, "tools.request.json");
  }

  // ---- the reasoning leg ----

  @Test
  void streamsReasoningAndClosesTheUpstreamWhenItEnds() throws Exception {
    upstream.on(
        "",
        ex -> {
          ex.writeEvents(fixture(provider(), "reasoning.sse"));
          ex.tickUntilGone(tick(Leg.REASONING), GENEROUS);
        });

    ChunkStream stream =
        adapter().stream(request("reasoning.json", reasoningModel(), Leg.REASONING));
    StringBuilder reasoning = new StringBuilder();
    boolean sentinel = false;
    while (true) {
      JsonObject chunk = stream.next();
      if (chunk == null) {
        fail("the stream ended before the reasoning did");
      }
      if (chunk == ChunkStream.REASONING_END) {
        sentinel = true;
        break;
      }
      JsonObject delta = delta(chunk);
      reasoning.append(delta.getString("reasoning_content", ""));
      boolean answers =
          !delta.getString("content", "").isEmpty() || delta.containsKey("tool_calls");
      if (answers) {
        assertThat(signalsReasoningEnd()).as("answer text arrived before REASONING_END").isFalse();
        break;
      }
    }
    long closedAt = System.nanoTime();
    stream.close();

    assertThat(reasoning.toString()).isEqualTo(REASONING);
    assertThat(sentinel).isEqualTo(signalsReasoningEnd());
    assertThat(stream.next()).isNull();
    long gone = upstream.exchanges().get(0).disconnected.get(5, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(gone - closedAt))
        .as("the upstream must see the disconnect right away")
        .isLessThan(2000);
    assertSent(upstream.last(), Call.REASONING, "reasoning.request.json");
  }

  // ---- cancellation, malformed events, errors ----

  @Test
  void closeFromAnotherThreadEndsTheUpstreamRequestAtOnce() throws Exception {
    String first = FixtureUpstream.events(fixture(provider(), "streaming.sse")).get(0);
    upstream.on(
        "",
        ex -> {
          ex.write(first);
          ex.tickUntilGone(tick(Leg.PLAIN), Duration.ofSeconds(20));
        });
    ChunkStream stream = adapter().stream(request("streaming.json", model(), Leg.PLAIN));
    assertThat(stream.next()).isNotNull();
    CompletableFuture<Integer> reader =
        CompletableFuture.supplyAsync(
            () -> {
              int read = 0;
              while (stream.next() != null) {
                read++;
              }
              return read;
            });
    Thread.sleep(200);

    long closedAt = System.nanoTime();
    stream.close();

    assertThat(reader.get(5, TimeUnit.SECONDS)).isNotNegative();
    long gone = upstream.exchanges().get(0).disconnected.get(5, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(gone - closedAt)).isLessThan(2000);
  }

  @Test
  void reportsAMalformedEventAndClosesTheUpstream() throws Exception {
    String first = FixtureUpstream.events(fixture(provider(), "streaming.sse")).get(0);
    upstream.on(
        "",
        ex -> {
          ex.write(first);
          ex.write("data: {\"choices\": [ {\"delta\": \n\n");
          ex.tickUntilGone(tick(Leg.PLAIN), Duration.ofSeconds(20));
        });
    ChunkStream stream = adapter().stream(request("streaming.json", model(), Leg.PLAIN));

    assertThatThrownBy(() -> drain(stream))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage()).contains("malformed");
            });
    upstream.exchanges().get(0).disconnected.get(5, TimeUnit.SECONDS);
  }

  @Test
  void reportsAnErrorEventInsideTheStream() throws Exception {
    upstream.on("", ex -> ex.writeEvents(fixture(provider(), "stream-error.sse")));
    ChunkStream stream = adapter().stream(request("streaming.json", model(), Leg.PLAIN));

    assertThatThrownBy(() -> drain(stream))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage()).isEqualTo(streamErrorMessage());
            });
  }

  @Test
  void passesAnUpstream4xxOnWithTheProvidersMessage() throws Exception {
    String body = fixture(provider(), "error-400.json");
    upstream.on("", ex -> ex.json(400, body));

    assertRefused(
        () -> adapter().complete(request("plain.json", model(), Leg.PLAIN)),
        ErrorKind.INVALID_REQUEST,
        messageOf(body));
    assertRefused(
        () -> adapter().stream(request("streaming.json", model(), Leg.PLAIN)),
        ErrorKind.INVALID_REQUEST,
        messageOf(body));
  }

  @Test
  void reportsAnUpstream5xxAsBadGateway() throws Exception {
    String body = fixture(provider(), "error-5xx.json");
    upstream.on("", ex -> ex.json(serverErrorStatus(), body));

    assertRefused(
        () -> adapter().complete(request("plain.json", model(), Leg.PLAIN)),
        ErrorKind.UPSTREAM_ERROR,
        messageOf(body));
    assertRefused(
        () -> adapter().stream(request("streaming.json", model(), Leg.PLAIN)),
        ErrorKind.UPSTREAM_ERROR,
        messageOf(body));
  }

  @Test
  void keepsRetryAfterOfAnUpstream429() throws Exception {
    String body = fixture(provider(), "error-429.json");
    upstream.on("", ex -> ex.respond(429, "application/json", body, Map.of("Retry-After", "17")));

    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> adapter().complete(request("plain.json", model(), Leg.PLAIN)),
            () -> adapter().stream(request("streaming.json", model(), Leg.PLAIN)))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              ProxyException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
                assertThat(e.retryAfter()).contains("17");
                assertThat(e.getMessage()).isEqualTo(messageOf(body));
              });
    }
  }

  @Test
  void neverShowsItsCredentialWhenTheUpstreamRefusesIt() throws Exception {
    upstream.on(
        "",
        ex ->
            ex.json(
                401,
                "{\"error\":{\"message\":\"Invalid credential "
                    + secret()
                    + "\",\"type\":\"authentication_error\"}}"));

    assertThatThrownBy(() -> adapter().complete(request("plain.json", model(), Leg.PLAIN)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage()).doesNotContain(secret());
            });
  }

  @Test
  void answers504WhenNoHeadersArriveInTime() throws Exception {
    upstream.on("", ex -> Thread.sleep(6000));
    Backend impatient = adapter(upstream.base(), Duration.ofSeconds(1));

    for (ThrowingCall call :
        List.<ThrowingCall>of(
            () -> impatient.complete(request("plain.json", model(), Leg.PLAIN)),
            () -> impatient.stream(request("streaming.json", model(), Leg.PLAIN)))) {
      long start = System.nanoTime();
      assertRefused(call, ErrorKind.UPSTREAM_TIMEOUT, null);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }
  }

  @Test
  void endsAStreamThatFallsSilentWith504() throws Exception {
    String first = FixtureUpstream.events(fixture(provider(), "streaming.sse")).get(0);
    upstream.on(
        "",
        ex -> {
          ex.write(first);
          Thread.sleep(6000);
        });
    ChunkStream stream =
        adapter(upstream.base(), Duration.ofSeconds(1)).stream(
            request("streaming.json", model(), Leg.PLAIN));
    long start = System.nanoTime();

    assertThatThrownBy(() -> drain(stream))
        .isInstanceOfSatisfying(
            ProxyException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
  }

  @Test
  void describesARefusedConnectionWithoutTheUpstreamAddress() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Backend unreachable =
        adapter(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2));

    assertThatThrownBy(() -> unreachable.complete(request("plain.json", model(), Leg.PLAIN)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage())
                  .contains(unreachable.name())
                  .doesNotContain("127.0.0.1")
                  .doesNotContain(String.valueOf(closedPort));
            });
  }

  @Test
  void listsItsModels() throws Exception {
    if (FixtureUpstream.hasFixture(provider(), "models.json")) {
      upstream.on("", ex -> ex.json(200, fixture(provider(), "models.json")));
    }

    assertThat(adapter().models()).containsExactlyElementsOf(expectedModels());
    if (FixtureUpstream.hasFixture(provider(), "models.json")) {
      Recorded sent = upstream.last();
      assertThat(sent.method()).isEqualTo("GET");
      assertThat(sent.path() + (sent.query() == null ? "" : "?" + sent.query()))
          .isEqualTo(expectedTarget(Call.MODELS));
      assertAuthenticated(sent);
    }
  }

  // ---- reading results ----

  /** Something that calls the adapter and is expected to throw. */
  @FunctionalInterface
  protected interface ThrowingCall {
    void run() throws Exception;
  }

  private static void assertRefused(ThrowingCall call, ErrorKind kind, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
              }
            });
  }

  /** {@code error.message} of an error body in the provider's envelope. */
  private static String messageOf(String body) {
    return FixtureUpstream.json(body).getJsonObject("error").getString("message");
  }

  /** Every chunk up to the end of the stream, sentinels left out. */
  protected static List<JsonObject> drain(ChunkStream stream) {
    List<JsonObject> chunks = new ArrayList<>();
    JsonObject chunk;
    while ((chunk = stream.next()) != null) {
      if (chunk != ChunkStream.REASONING_END) {
        chunks.add(chunk);
      }
    }
    return chunks;
  }

  protected static JsonObject delta(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    return choices.getJsonObject(0).getJsonObject("delta");
  }

  protected static String content(List<JsonObject> chunks) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : chunks) {
      JsonObject delta = delta(chunk);
      if (delta.get("content") instanceof jakarta.json.JsonString content) {
        text.append(content.getString());
      }
    }
    return text.toString();
  }

  protected static List<String> finishReasons(List<JsonObject> chunks) {
    List<String> reasons = new ArrayList<>();
    for (JsonObject chunk : chunks) {
      JsonArray choices = chunk.getJsonArray("choices");
      if (choices != null && !choices.isEmpty()) {
        JsonObject choice = choices.getJsonObject(0);
        if (choice.get("finish_reason") instanceof jakarta.json.JsonString reason) {
          reasons.add(reason.getString());
        }
      }
    }
    return reasons;
  }

  /** Streamed tool calls assembled by index: {id, name, arguments}. */
  protected static Map<Integer, String[]> toolCalls(List<JsonObject> chunks) {
    Map<Integer, String[]> calls = new TreeMap<>();
    for (JsonObject chunk : chunks) {
      if (delta(chunk).get("tool_calls") instanceof JsonArray fragments) {
        for (JsonValue value : fragments) {
          JsonObject fragment = value.asJsonObject();
          String[] call =
              calls.computeIfAbsent(fragment.getInt("index"), i -> new String[] {"", "", ""});
          if (fragment.containsKey("id")) {
            call[0] += fragment.getString("id");
          }
          if (fragment.get("function") instanceof JsonObject function) {
            call[1] += function.getString("name", "");
            call[2] += function.getString("arguments", "");
          }
        }
      }
    }
    return calls;
  }

  private static void assertUsage(JsonObject usage) {
    assertThat(usage).isNotNull();
    assertThat(usage.getInt("prompt_tokens")).isEqualTo(12);
    assertThat(usage.getInt("completion_tokens")).isEqualTo(9);
    assertThat(usage.getInt("total_tokens")).isEqualTo(21);
  }
}
