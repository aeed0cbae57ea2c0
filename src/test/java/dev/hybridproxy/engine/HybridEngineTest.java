package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.content;
import static dev.hybridproxy.engine.Chunks.deepSeekReasoning;
import static dev.hybridproxy.engine.Chunks.finish;
import static dev.hybridproxy.engine.Chunks.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.engine.HybridSettings.FailureMode;
import dev.hybridproxy.engine.HybridSettings.ReasoningOutput;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HybridEngineTest {
  private static final String PAIR = "hybrid:[deepseek:deepseek-reasoner,minimax:fast]";
  private static final String USER = "[{\"role\":\"user\",\"content\":\"Dedupe a list\"}]";

  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final FakeBackend reasoner = new FakeBackend("deepseek");
  private final FakeBackend executor = new FakeBackend("minimax");
  private BackendQuirks quirks = new BackendQuirks();
  private LongSupplier nanoClock = System::nanoTime;

  @AfterEach
  void stop() {
    workers.shutdownNow();
    timers.shutdownNow();
  }

  private static HybridSettings settings(
      Duration reasoningTimeout, FailureMode mode, ReasoningOutput output, boolean repeat) {
    HybridSettings d = HybridSettings.defaults();
    return new HybridSettings(
        false,
        d.probability(),
        repeat,
        d.forceInitialTurns(),
        reasoningTimeout,
        d.executionTimeout(),
        d.latencyThreshold(),
        d.backoffTurns(),
        d.maxChars(),
        mode,
        Map.of(),
        output);
  }

  private ChatCompletions chat(HybridSettings settings) {
    BackendRegistry registry = new BackendRegistry(List.of(reasoner, executor), Optional.empty());
    HybridEngine engine =
        new HybridEngine(
            registry,
            quirks,
            settings,
            ReasoningPolicy.from(settings, () -> 0.5),
            workers,
            timers,
            nanoClock,
            Clock.fixed(Instant.ofEpochSecond(1755137933), ZoneOffset.UTC));
    return new ChatCompletions(registry, engine, workers);
  }

  private ChatCompletions chat() {
    return chat(HybridSettings.defaults());
  }

  private static ChatRequest request(String model, boolean stream, String messages) {
    return request(model, stream, messages, Optional.empty());
  }

  private static ChatRequest request(
      String model, boolean stream, String messages, Optional<String> header) {
    String body =
        "{\"model\":\""
            + model
            + "\",\"stream\":"
            + stream
            + ",\"temperature\":0.7,\"messages\":"
            + messages
            + "}";
    return ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8), header);
  }

  private FakeStream reasoningThatWouldGoOn() {
    FakeStream stream =
        FakeStream.endless(
            deepSeekReasoning("Plan."),
            deepSeekReasoning(" Check."),
            content("The reasoner's own answer"),
            content("never read"));
    reasoner.streams("deepseek-reasoner", r -> stream);
    return stream;
  }

  private void answer(String... parts) {
    executor.streams(
        "fast",
        r -> {
          JsonObject[] chunks = new JsonObject[parts.length + 2];
          for (int i = 0; i < parts.length; i++) {
            chunks[i] = content(parts[i]);
          }
          chunks[parts.length] = finish("stop");
          chunks[parts.length + 1] = usage(10, 2);
          return FakeStream.of(chunks);
        });
    executor.answers("fast", r -> Chunks.completion(String.join("", parts)));
  }

  private static RecordingListener run(StreamSession session) throws Exception {
    assertThat(session.awaitStart(Duration.ofSeconds(5))).isTrue();
    RecordingListener listener = new RecordingListener();
    session.deliverTo(listener);
    assertThat(listener.awaitEnd()).isNull();
    return listener;
  }

  private JsonArray executionMessages() {
    return executor.requests("fast").get(0).body().getJsonArray("messages");
  }

  @Test
  void streamsReasoningDeltasThenTheFilteredAnswerWithMetadata() throws Exception {
    reasoningThatWouldGoOn();
    answer("<think>own thoughts</think>", "Use a ", "LinkedHashSet.");

    RecordingListener client = run(chat().stream(request(PAIR, true, USER)));

    assertThat(client.reasoning()).isEqualTo("Plan. Check.");
    assertThat(client.content()).isEqualTo("Use a LinkedHashSet.");
    JsonObject first = client.chunks.get(0).getJsonArray("choices").getJsonObject(0);
    assertThat(first.getJsonObject("delta").getString("role")).isEqualTo("assistant");
    assertThat(first.getJsonObject("delta").getString("reasoning")).isEqualTo("Plan.");
    JsonObject reasoning = client.hybrid().getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("used");
    assertThat(reasoning.getString("end")).isEqualTo("channel");
    assertThat(reasoning.getInt("chars")).isEqualTo("Plan. Check.".length());
    assertThat(reasoning.getBoolean("upstream_closed")).isTrue();
    assertThat(client.hybrid().getJsonObject("execution").getString("backend"))
        .isEqualTo("minimax");
    JsonObject usage = client.chunks.get(client.chunks.size() - 1).getJsonObject("usage");
    assertThat(usage.getJsonObject("completion_tokens_details").getInt("reasoning_tokens"))
        .isEqualTo(3);
    for (JsonObject chunk : client.chunks) {
      assertThat(chunk.getString("model")).isEqualTo(PAIR);
      assertThat(chunk.getString("id")).isEqualTo(client.chunks.get(0).getString("id"));
      assertThat(chunk.getJsonNumber("created").longValue()).isEqualTo(1755137933L);
    }
  }

  @Test
  void closesTheReasoningUpstreamTheMomentTheReasoningEnds() throws Exception {
    FakeStream reasoning = reasoningThatWouldGoOn();
    answer("ok");

    run(chat().stream(request(PAIR, true, USER)));

    assertThat(reasoning.isClosed()).isTrue();
    assertThat(reasoning.read.get()).as("nothing read after the end").isEqualTo(3);
  }

  @Test
  void sendsTheReasoningLegMaximumReasoningAndStreaming() {
    reasoningThatWouldGoOn();
    answer("ok");

    chat().complete(request(PAIR, false, USER));

    JsonObject sent = reasoner.requests.get(0).body();
    assertThat(sent.getBoolean("stream")).isTrue();
    assertThat(sent.getJsonObject("thinking").getString("type")).isEqualTo("enabled");
    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.7);
    assertThat(sent.getJsonArray("messages"))
        .isEqualTo(Chunks.json("{\"m\":" + USER + "}").get("m"));
    assertThat(reasoner.requests.get(0).leg()).isEqualTo(UpstreamRequest.Leg.REASONING);
  }

  @Test
  void injectsOnlyThePlainReasoningInTheExecutionBackendsTags() {
    reasoningThatWouldGoOn();
    answer("ok");

    chat()
        .complete(
            request(
                "hybrid:[deepseek:deepseek-reasoner,minimax:fast?temperature=0.1]", false, USER));

    JsonArray messages = executionMessages();
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(messages.getJsonObject(0).getString("content"))
        .isEqualTo(ReasoningInjection.INSTRUCTION + "\n\n<think>Plan. Check.</think>");
    JsonObject sent = executor.requests("fast").get(0).body();
    assertThat(sent.toString()).doesNotContain("reasoner's own answer");
    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.1);
    assertThat(executor.requests("fast").get(0).timeout()).contains(Duration.ofSeconds(120));
  }

  @Test
  void prefixesTheUserMessageAndRepeatsItForBackendsWithoutSystemMessages() {
    quirks =
        quirks.with("minimax", "openai", Optional.of(false), Optional.empty(), Optional.empty());
    reasoningThatWouldGoOn();
    answer("ok");

    chat(settings(Duration.ofSeconds(60), FailureMode.CONTINUE, ReasoningOutput.FIELDS, true))
        .complete(request(PAIR, false, USER));

    JsonArray messages = executionMessages();
    assertThat(messages).hasSize(3);
    assertThat(messages.getJsonObject(0).getString("content"))
        .isEqualTo("<think>Plan. Check.</think>\n\nDedupe a list");
    assertThat(messages.getJsonObject(1).getString("role")).isEqualTo("assistant");
    assertThat(messages.getJsonObject(2))
        .isEqualTo(Chunks.json("{\"role\":\"user\",\"content\":\"Dedupe a list\"}"));
  }

  @Test
  void continuesWithThePartialReasoningWhenTheLegTimesOut() {
    reasoner.streams("deepseek-reasoner", r -> FakeStream.endless(deepSeekReasoning("Partial.")));
    answer("ok");

    ChatAnswer answer =
        chat(settings(Duration.ofMillis(200), FailureMode.CONTINUE, ReasoningOutput.FIELDS, false))
            .complete(request(PAIR, false, USER));

    JsonObject reasoning = answer.body().getJsonObject("hybrid").getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("timeout");
    assertThat(reasoning.getString("end")).isEqualTo("timeout");
    assertThat(answer.headers()).containsEntry("X-Hybrid-Reasoning", "timeout");
    assertThat(executionMessages().getJsonObject(0).getString("content")).contains("Partial.");
  }

  @Test
  void closesAReasoningStreamThatOpensOnlyAfterTheTimeout() throws Exception {
    CountDownLatch headers = new CountDownLatch(1);
    AtomicReference<FakeStream> late = new AtomicReference<>();
    reasoner.streams(
        "deepseek-reasoner",
        r -> {
          try {
            headers.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          late.set(FakeStream.endless(deepSeekReasoning("late")));
          return late.get();
        });
    answer("ok");

    ChatAnswer answer =
        chat(settings(Duration.ofMillis(100), FailureMode.CONTINUE, ReasoningOutput.FIELDS, false))
            .complete(request(PAIR, false, USER));
    headers.countDown();

    assertThat(answer.headers()).containsEntry("X-Hybrid-Reasoning", "timeout");
    assertThat(executionMessages().toString()).doesNotContain("Consider this reasoning");
    for (int i = 0; i < 100 && late.get() == null; i++) {
      Thread.sleep(20);
    }
    assertThat(late.get().closed.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void answersWithoutReasoningWhenTheReasoningModelFailsInContinueMode() {
    reasoner.streams(
        "deepseek-reasoner",
        r -> {
          throw ProxyException.of(ErrorKind.UPSTREAM_ERROR, "Backend 'deepseek' answered HTTP 500");
        });
    answer("Alone.");

    ChatAnswer answer = chat().complete(request(PAIR, false, USER));

    JsonObject reasoning = answer.body().getJsonObject("hybrid").getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("failed");
    assertThat(reasoning.getString("error")).contains("HTTP 500");
    JsonObject message =
        answer.body().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo("Alone.");
    assertThat(message.containsKey("reasoning_content")).isFalse();
    assertThat(executionMessages().toString()).doesNotContain("Consider this reasoning");
  }

  @Test
  void answers502WhenTheReasoningModelFailsInFailMode() {
    reasoner.streams(
        "deepseek-reasoner",
        r -> {
          throw ProxyException.of(ErrorKind.UPSTREAM_ERROR, "Backend 'deepseek' answered HTTP 500");
        });
    answer("never");
    ChatCompletions chat =
        chat(settings(Duration.ofSeconds(60), FailureMode.FAIL, ReasoningOutput.FIELDS, false));

    assertThatThrownBy(() -> chat.complete(request(PAIR, false, USER)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.code()).isEqualTo("hybrid_reasoning_failed");
              assertThat(e.retryForbidden()).isFalse();
            });
    assertThat(executor.requests).isEmpty();
  }

  @Test
  void keepsA429WithItsRetryAfterInFailMode() {
    reasoner.streams(
        "deepseek-reasoner",
        r -> {
          throw ProxyException.of(ErrorKind.RATE_LIMITED, "Rate limit reached").withRetryAfter("7");
        });
    ChatCompletions chat =
        chat(settings(Duration.ofSeconds(60), FailureMode.FAIL, ReasoningOutput.FIELDS, false));

    assertThatThrownBy(() -> chat.complete(request(PAIR, false, USER)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.retryAfter()).contains("7");
            });
  }

  @Test
  void keepsAClientErrorOfTheReasoningLegAsSuchInFailMode() {
    reasoner.streams(
        "deepseek-reasoner",
        r -> {
          throw ProxyException.of(
                  ErrorKind.INVALID_REQUEST,
                  "The anthropic wire type does not support content part type 'input_audio'")
              .withParam("messages");
        });
    ChatCompletions chat =
        chat(settings(Duration.ofSeconds(60), FailureMode.FAIL, ReasoningOutput.FIELDS, false));

    assertThatThrownBy(() -> chat.complete(request(PAIR, false, USER)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("input_audio");
            });
    assertThat(executor.requests).isEmpty();
  }

  @Test
  void failsATimedOutButPaidReasoningLegInFailModeForbiddingRetry() {
    reasoner.streams("deepseek-reasoner", r -> FakeStream.endless(deepSeekReasoning("Slow.")));
    ChatCompletions chat =
        chat(settings(Duration.ofMillis(100), FailureMode.FAIL, ReasoningOutput.FIELDS, false));

    assertThatThrownBy(() -> chat.complete(request(PAIR, false, USER)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.code()).isEqualTo("hybrid_reasoning_failed");
              assertThat(e.retryForbidden()).isTrue();
            });
  }

  @Test
  void forbidsRetryWhenTheExecutionFailsAfterAPaidReasoningLeg() {
    reasoningThatWouldGoOn();
    executor.answers(
        "fast",
        r -> {
          throw ProxyException.of(ErrorKind.UPSTREAM_TIMEOUT, "Backend 'minimax' did not answer");
        });

    assertThatThrownBy(() -> chat().complete(request(PAIR, false, USER)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(504);
              assertThat(e.retryForbidden()).isTrue();
            });
  }

  @Test
  void closesTheReasoningUpstreamAndNeverStartsExecutionWhenTheClientLeaves() throws Exception {
    FakeStream reasoning =
        FakeStream.endless(deepSeekReasoning("One."), deepSeekReasoning(" Two."));
    reasoner.streams("deepseek-reasoner", r -> reasoning);
    answer("never");
    StreamSession session = chat().stream(request(PAIR, true, USER));
    session.awaitStart(Duration.ofSeconds(5));

    RecordingListener client = new RecordingListener(1);
    session.deliverTo(client);

    assertThat(reasoning.closed.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(200);
    assertThat(executor.requests).isEmpty();
    assertThat(client.ended).isNotDone();
  }

  @Test
  void neverCallsTheReasoningModelWithProbabilityZeroAfterTheForcedTurns() throws Exception {
    answer("Direct.");
    String fourTurns =
        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"},"
            + "{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"},"
            + "{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"q\"}]";

    StreamSession session = chat().stream(request(PAIR, true, fourTurns, Optional.of("0")));
    RecordingListener client = run(session);

    assertThat(reasoner.requests).isEmpty();
    assertThat(session.responseHeaders()).containsEntry("X-Hybrid-Reasoning", "skipped");
    assertThat(client.content()).isEqualTo("Direct.");
    assertThat(client.hybrid().getJsonObject("reasoning").getString("decision"))
        .isEqualTo("probability");
  }

  @Test
  void backsOffAfterASlowReasoningLegMeasuredWithTheInjectedClock() {
    AtomicLong now = new AtomicLong();
    nanoClock = now::get;
    reasoner.streams(
        "deepseek-reasoner",
        r ->
            FakeStream.endless(
                () -> now.addAndGet(Duration.ofSeconds(5).toNanos()),
                deepSeekReasoning("Slow "),
                deepSeekReasoning("thought."),
                content("answer")));
    answer("ok");
    ChatCompletions chat = chat();
    String later =
        "[{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"},"
            + "{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"},"
            + "{\"role\":\"user\",\"content\":\"q\"}]";

    ChatAnswer slow = chat.complete(request(PAIR, false, USER));
    ChatAnswer next = chat.complete(request(PAIR, false, later));

    assertThat(slow.body().getJsonObject("hybrid").getJsonObject("reasoning").getInt("duration_ms"))
        .isEqualTo(15000);
    JsonObject skipped = next.body().getJsonObject("hybrid").getJsonObject("reasoning");
    assertThat(skipped.getString("status")).isEqualTo("skipped");
    assertThat(skipped.getString("decision")).isEqualTo("adaptive_backoff");
    assertThat(reasoner.requests).hasSize(1);
  }

  @Test
  void rejectsHybridRequestsWhenTheKillSwitchIsOn() {
    HybridSettings d = HybridSettings.defaults();
    HybridSettings off =
        new HybridSettings(
            true,
            d.probability(),
            false,
            4,
            d.reasoningTimeout(),
            d.executionTimeout(),
            d.latencyThreshold(),
            2,
            d.maxChars(),
            d.failureMode(),
            Map.of(),
            d.output());
    answer("plain");
    ChatCompletions chat = chat(off);

    for (String model : List.of(PAIR, "hybrid:[broken")) {
      assertThatThrownBy(() -> chat.stream(request(model, true, USER)))
          .isInstanceOfSatisfying(
              ProxyException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("hybrid_backend_disabled");
                assertThat(e.getMessage()).isEqualTo("Hybrid backend is disabled");
              });
    }
    assertThat(chat.complete(request("minimax:fast", false, USER)).body().getString("model"))
        .isEqualTo("minimax:fast");
  }

  @Test
  void sendsTheReasoningAsThinkTagsWhenAskedTo() throws Exception {
    reasoningThatWouldGoOn();
    answer("Hello");

    RecordingListener client =
        run(
            chat(
                settings(
                    Duration.ofSeconds(60),
                    FailureMode.CONTINUE,
                    ReasoningOutput.THINK_TAGS,
                    false))
                .stream(request(PAIR, true, USER)));

    assertThat(client.content()).isEqualTo("<think>Plan. Check.\n</think>\n\nHello");
    assertThat(client.reasoning()).isEmpty();
  }

  @Test
  void sendsNoReasoningWhenOutputIsNone() throws Exception {
    reasoningThatWouldGoOn();
    answer("Hello");

    RecordingListener client =
        run(
            chat(
                settings(Duration.ofSeconds(60), FailureMode.CONTINUE, ReasoningOutput.NONE, false))
                .stream(request(PAIR, true, USER)));

    assertThat(client.content()).isEqualTo("Hello");
    assertThat(client.reasoning()).isEmpty();
    assertThat(client.hybrid().getJsonObject("reasoning").getString("status")).isEqualTo("used");
  }

  @Test
  void buffersAnAnswerWithReasoningFieldsMetadataAndUsage() {
    reasoningThatWouldGoOn();
    answer("Use a LinkedHashSet.");

    ChatAnswer answer = chat().complete(request(PAIR, false, USER));

    JsonObject body = answer.body();
    assertThat(body.getString("model")).isEqualTo(PAIR);
    JsonObject message = body.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo("Use a LinkedHashSet.");
    assertThat(message.getString("reasoning_content")).isEqualTo("Plan. Check.");
    assertThat(message.getString("reasoning")).isEqualTo("Plan. Check.");
    assertThat(
            body.getJsonObject("usage")
                .getJsonObject("completion_tokens_details")
                .getInt("reasoning_tokens"))
        .isEqualTo(3);
    assertThat(
            body.getJsonObject("hybrid").getJsonObject("reasoning").getBoolean("tokens_estimated"))
        .isTrue();
    assertThat(answer.headers()).containsEntry("X-Hybrid-Reasoning", "used");
  }

  @Test
  void reportsAnExecutionRefusalBeforeTheStreamStartedAsAnError() {
    executor.streams(
        "fast",
        r -> {
          throw ProxyException.of(ErrorKind.MODEL_NOT_FOUND, "The model does not exist");
        });
    StreamSession session =
        chat().stream(
            request(
                PAIR,
                true,
                USER.replace(
                    "]",
                    ",{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"a\"}]"),
                Optional.of("0")));

    assertThatThrownBy(() -> session.awaitStart(Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
