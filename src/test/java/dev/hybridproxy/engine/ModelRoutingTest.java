package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.completion;
import static dev.hybridproxy.engine.Chunks.content;
import static dev.hybridproxy.engine.Chunks.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Aliases (SPEC §4.3) and the planning phase (SPEC §4.4) in front of routing. */
class ModelRoutingTest {
  private static final String USER = "{\"role\":\"user\",\"content\":\"Plan a parser\"}";

  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final FakeBackend openai = new FakeBackend("openai");
  private final FakeBackend strong = new FakeBackend("strong");

  @AfterEach
  void stop() {
    workers.shutdownNow();
    timers.shutdownNow();
  }

  private static PlanningPhase planning(Map<String, JsonValue> overrides) {
    return new PlanningPhase(
        "strong:o3", 3, 1, overrides, Set.copyOf(PlanningPhase.DEFAULT_WRITE_TOOLS));
  }

  private ChatCompletions chat(ModelRouting routing, boolean hybridDisabled) {
    BackendRegistry registry = new BackendRegistry(List.of(openai, strong), Optional.of("openai"));
    HybridSettings d = HybridSettings.defaults();
    HybridSettings settings =
        new HybridSettings(
            hybridDisabled,
            d.probability(),
            d.repeatMessages(),
            d.forceInitialTurns(),
            d.reasoningTimeout(),
            d.executionTimeout(),
            d.latencyThreshold(),
            d.backoffTurns(),
            d.maxChars(),
            d.failureMode(),
            Map.of(),
            d.output());
    HybridEngine engine =
        new HybridEngine(
            registry,
            new BackendQuirks(),
            settings,
            ReasoningPolicy.from(settings, () -> 0.5),
            workers,
            timers,
            System::nanoTime,
            Clock.fixed(Instant.ofEpochSecond(1755137933), ZoneOffset.UTC));
    return new ChatCompletions(registry, engine, workers, routing);
  }

  private static ChatRequest request(String model, String... messages) {
    String body =
        "{\"model\":\""
            + model
            + "\",\"temperature\":0.9,\"messages\":["
            + String.join(",", messages)
            + "]}";
    return ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  private static String assistantCalling(String... functions) {
    StringBuilder calls = new StringBuilder();
    for (int i = 0; i < functions.length; i++) {
      calls
          .append(i == 0 ? "" : ",")
          .append("{\"id\":\"call_")
          .append(i)
          .append("\",\"type\":\"function\",\"function\":{\"name\":\"")
          .append(functions[i])
          .append("\",\"arguments\":\"{}\"}}");
    }
    return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls + "]}";
  }

  private static String assistant(String text) {
    return "{\"role\":\"assistant\",\"content\":\"" + text + "\"}";
  }

  @Test
  void anAliasRoutesButTheAnswerNamesWhatTheClientAskedFor() {
    openai.answers("gpt-4o-mini", r -> completion("Hi"));
    ModelRouting routing =
        new ModelRouting(
            new ModelAliases(List.of(ModelAliases.Rule.parse("fast=openai:gpt-4o-mini"))),
            Optional.empty());

    ChatAnswer answer = chat(routing, false).complete(request("fast", USER));

    assertThat(openai.requests("gpt-4o-mini")).hasSize(1);
    assertThat(openai.requests.get(0).body().getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(answer.body().getString("model")).isEqualTo("fast");
  }

  @Test
  void aStreamedAliasKeepsTheClientsModelOnEveryChunk() throws Exception {
    openai.streams(
        "gpt-4o-mini", r -> FakeStream.of(content("Hel"), content("lo"), finish("stop")));
    ModelRouting routing =
        new ModelRouting(
            new ModelAliases(List.of(ModelAliases.Rule.parse("fast=openai:gpt-4o-mini"))),
            Optional.empty());

    StreamSession session = chat(routing, false).stream(request("fast", USER));
    assertThat(session.awaitStart(Duration.ofSeconds(5))).isTrue();
    RecordingListener listener = new RecordingListener();
    session.deliverTo(listener);

    assertThat(listener.awaitEnd()).isNull();
    assertThat(listener.content()).isEqualTo("Hello");
    assertThat(listener.chunks).allSatisfy(c -> assertThat(c.getString("model")).isEqualTo("fast"));
  }

  @Test
  void anAliasToAHybridSelectorIsRefusedWhenTheHybridBackendIsDisabled() {
    ModelRouting routing =
        new ModelRouting(
            new ModelAliases(
                List.of(ModelAliases.Rule.parse("coder=hybrid:[strong:o3,openai:gpt-4o]"))),
            Optional.empty());

    assertThatThrownBy(() -> chat(routing, true).complete(request("coder", USER)))
        .isInstanceOfSatisfying(
            ProxyException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.HYBRID_DISABLED));
  }

  @Test
  void planningSendsAnEarlyBareModelToTheStrongModelWithTheOverrides() {
    strong.answers("o3", r -> completion("A plan"));
    ModelRouting routing =
        new ModelRouting(
            ModelAliases.NONE,
            Optional.of(
                planning(
                    Map.of(
                        "temperature", Json.createValue(0.2),
                        "reasoning_effort", Json.createValue("high")))));

    ChatAnswer answer = chat(routing, false).complete(request("gpt-4o", USER));

    JsonObject sent = strong.requests("o3").get(0).body();
    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.2);
    assertThat(sent.getString("reasoning_effort")).isEqualTo("high");
    assertThat(answer.body().getString("model")).isEqualTo("gpt-4o");
    assertThat(openai.requests).isEmpty();
  }

  @Test
  void planningEndsAfterMaxTurns() {
    openai.answers("gpt-4o", r -> completion("Done"));
    ModelRouting routing = new ModelRouting(ModelAliases.NONE, Optional.of(planning(Map.of())));

    chat(routing, false)
        .complete(
            request(
                "gpt-4o", USER, assistant("a"), USER, assistant("b"), USER, assistant("c"), USER));

    assertThat(openai.requests("gpt-4o")).hasSize(1);
    assertThat(openai.requests.get(0).body().getJsonNumber("temperature").doubleValue())
        .isEqualTo(0.9);
    assertThat(strong.requests).isEmpty();
  }

  @Test
  void planningEndsWithTheFirstFileWrite() {
    openai.answers("gpt-4o", r -> completion("Done"));
    ModelRouting routing = new ModelRouting(ModelAliases.NONE, Optional.of(planning(Map.of())));

    chat(routing, false)
        .complete(
            request(
                "gpt-4o",
                USER,
                assistantCalling("write_file"),
                "{\"role\":\"tool\",\"tool_call_id\":\"call_0\",\"content\":\"ok\"}"));

    assertThat(openai.requests("gpt-4o")).hasSize(1);
    assertThat(strong.requests).isEmpty();
  }

  @Test
  void readingToolsDoNotEndThePlanningPhase() {
    strong.answers("o3", r -> completion("A plan"));
    ModelRouting routing = new ModelRouting(ModelAliases.NONE, Optional.of(planning(Map.of())));

    chat(routing, false)
        .complete(
            request(
                "gpt-4o",
                USER,
                assistantCalling("read_file", "list_files"),
                "{\"role\":\"tool\",\"tool_call_id\":\"call_0\",\"content\":\"ok\"}"));

    assertThat(strong.requests("o3")).hasSize(1);
  }

  @Test
  void anExplicitBackendSkipsThePlanningPhase() {
    openai.answers("gpt-4o", r -> completion("Direct"));
    ModelRouting routing = new ModelRouting(ModelAliases.NONE, Optional.of(planning(Map.of())));

    chat(routing, false).complete(request("openai:gpt-4o", USER));

    assertThat(openai.requests("gpt-4o")).hasSize(1);
    assertThat(strong.requests).isEmpty();
  }

  @Test
  void aliasesApplyOnceThePlanningPhaseIsOver() {
    openai.answers("gpt-4o-mini", r -> completion("Done"));
    ModelRouting routing =
        new ModelRouting(
            new ModelAliases(List.of(ModelAliases.Rule.parse("fast=openai:gpt-4o-mini"))),
            Optional.of(planning(Map.of())));

    chat(routing, false).complete(request("fast", USER, assistantCalling("edit"), USER));

    assertThat(openai.requests("gpt-4o-mini")).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource({
    "write_file, 1",
    "Edit, 1",
    "mcp__filesystem__write_file, 1",
    "functions.apply_patch, 1",
    "read_file, 0",
    "rewrite_history, 0",
    "overwrite, 0",
  })
  void countsWriteTypeToolCallsByFunctionName(String function, int writes) {
    ChatRequest request = request("gpt-4o", USER, assistantCalling(function));

    assertThat(planning(Map.of()).fileWrites(request.messages())).isEqualTo(writes);
  }

  @Test
  void countsEveryWriteInEveryAssistantMessage() {
    ChatRequest request =
        request(
            "gpt-4o",
            USER,
            assistantCalling("write_file", "edit_file", "read_file"),
            "{\"role\":\"assistant\",\"function_call\":{\"name\":\"patch\",\"arguments\":\"\"}}",
            "{\"role\":\"user\",\"content\":\"write\"}");

    assertThat(planning(Map.of()).fileWrites(request.messages())).isEqualTo(3);
  }

  @ParameterizedTest
  @CsvSource({
    "gpt-4o, false",
    "anthropic/claude-3-haiku:beta, false",
    "openai:gpt-4o, true",
    "openrouter:anthropic/claude-3-haiku:beta, true",
    "'hybrid:[a:b,c:d]', true",
    "gpt-4o?temperature=0.1, false",
  })
  void tellsWhetherASelectorNamesItsBackend(String selector, boolean names) {
    assertThat(SelectorParser.namesBackend(selector)).isEqualTo(names);
  }
}
