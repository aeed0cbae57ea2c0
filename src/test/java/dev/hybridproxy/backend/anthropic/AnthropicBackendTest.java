package dev.hybridproxy.backend.anthropic;

import static dev.hybridproxy.backend.FixtureUpstream.fixture;
import static dev.hybridproxy.backend.FixtureUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.backend.FixtureUpstream;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the anthropic adapter sends for each kind of request, and how it reads what comes back. */
class AnthropicBackendTest {
  private static ScheduledExecutorService timers;
  private static StallGuard stallGuard;
  private static UpstreamHttp http;
  private FixtureUpstream upstream;

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
  void setUp() {
    upstream = new FixtureUpstream();
    upstream.on("/v1/messages", ex -> ex.json(200, fixture("anthropic", "plain.response.json")));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private AnthropicBackend backend() {
    return new AnthropicBackend(
        AnthropicContractTest.settings(upstream.base(), Duration.ofSeconds(10)),
        http,
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  /** The Messages request the adapter sent for a Chat Completions body on a leg. */
  private JsonObject sent(String chatBody, Leg leg) {
    backend().complete(new UpstreamRequest(json(chatBody), leg));
    return upstream.last().json();
  }

  @Test
  void thinksOnTheReasoningLegWithoutSamplingParameters() {
    JsonObject sent =
        sent(
            "{\"model\":\"claude-opus-4-1\",\"temperature\":0.7,\"top_k\":5,\"top_p\":0.9,"
                + "\"max_tokens\":1000,\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Leg.REASONING);

    assertThat(sent.getJsonObject("thinking"))
        .isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":16000}"));
    assertThat(sent.getInt("max_tokens")).isEqualTo(16000 + 4096);
    assertThat(sent).doesNotContainKeys("temperature", "top_k", "top_p");
    assertThat(sent.getJsonObject("tool_choice")).isEqualTo(json("{\"type\":\"auto\"}"));
  }

  @Test
  void takesTheThinkingBudgetFromReasoningEffortOrAnExplicitThinkingObject() {
    assertThat(
            sent(
                    "{\"model\":\"m\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}",
                    Leg.REASONING)
                .getJsonObject("thinking")
                .getInt("budget_tokens"))
        .isEqualTo(4096);
    JsonObject explicit =
        sent(
            "{\"model\":\"m\",\"max_tokens\":64000,\"thinking\":{\"type\":\"enabled\","
                + "\"budget_tokens\":32000},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Leg.REASONING);
    assertThat(explicit.getJsonObject("thinking").getInt("budget_tokens")).isEqualTo(32000);
    assertThat(explicit.getInt("max_tokens")).isEqualTo(64000);
  }

  @Test
  void neverThinksOnTheExecutionLegAndKeepsTheClientsSampling() {
    JsonObject sent =
        sent(
            "{\"model\":\"m\",\"temperature\":0.1,\"thinking\":{\"type\":\"enabled\","
                + "\"budget_tokens\":2048},\"reasoning_effort\":\"high\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            Leg.EXECUTION);

    assertThat(sent).doesNotContainKey("thinking");
    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.1);
    assertThat(sent.getInt("max_tokens")).isEqualTo(AnthropicBackend.DEFAULT_MAX_TOKENS);
  }

  @Test
  void translatesImagesToolChoiceUserAndParallelToolResults() {
    JsonObject sent =
        sent(
            "{\"model\":\"m\",\"user\":\"user-42\",\"parallel_tool_calls\":false,"
                + "\"max_completion_tokens\":300,\"stop\":\"END\","
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],"
                + "\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"Rule one.\"},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Rule two.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is here?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}},"
                + "{\"id\":\"toolu_2\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"one\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_2\",\"content\":[{\"type\":\"text\",\"text\":\"two\"}]},"
                + "{\"role\":\"user\",\"content\":\"Thanks\"}]}",
            Leg.PLAIN);

    assertThat(sent)
        .isEqualTo(
            json(
                "{\"model\":\"m\",\"system\":\"Rule one.\\n\\nRule two.\",\"max_tokens\":300,"
                    + "\"stop_sequences\":[\"END\"],"
                    + "\"messages\":["
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is here?\"},"
                    + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                    + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}}]},"
                    + "{\"role\":\"assistant\",\"content\":["
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"lookup\",\"input\":{\"q\":1}},"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"lookup\",\"input\":{}}]},"
                    + "{\"role\":\"user\",\"content\":["
                    + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"one\"},"
                    + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":[{\"type\":\"text\",\"text\":\"two\"}]},"
                    + "{\"type\":\"text\",\"text\":\"Thanks\"}]}],"
                    + "\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}],"
                    + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"lookup\",\"disable_parallel_tool_use\":true},"
                    + "\"metadata\":{\"user_id\":\"user-42\"}}"));
  }

  @Test
  void refusesContentItCannotCarry() {
    assertThatThrownBy(
            () ->
                sent(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                        + "\"input_audio\",\"input_audio\":{\"data\":\"AAA=\",\"format\":\"wav\"}}]}]}",
                    Leg.PLAIN))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("input_audio");
            });
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void readsThinkingToolUseAndCachedTokensOfABufferedAnswer() {
    upstream.on(
        "/v1/messages",
        ex ->
            ex.json(
                200,
                "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
                    + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Let me think.\","
                    + "\"signature\":\"sig\"},{\"type\":\"redacted_thinking\",\"data\":\"xyz\"},"
                    + "{\"type\":\"text\",\"text\":\"Done.\"}],\"stop_reason\":\"max_tokens\","
                    + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":5,"
                    + "\"cache_read_input_tokens\":100,\"output_tokens\":7}}"));

    JsonObject answer =
        backend()
            .complete(new UpstreamRequest(json("{\"model\":\"m\",\"messages\":[]}"), Leg.PLAIN));

    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("Done.");
    assertThat(choice.getJsonObject("message").getString("reasoning_content"))
        .isEqualTo("Let me think.");
    assertThat(choice.getString("finish_reason")).isEqualTo("length");
    assertThat(answer.getJsonObject("usage"))
        .isEqualTo(
            json(
                "{\"prompt_tokens\":115,\"completion_tokens\":7,\"total_tokens\":122,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":100}}"));
    assertThat(answer.getJsonNumber("created").longValue()).isEqualTo(1759320000L);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "end_turn, stop",
    "stop_sequence, stop",
    "max_tokens, length",
    "tool_use, tool_calls",
    "pause_turn, stop",
    "refusal, content_filter",
    "model_context_window_exceeded, length"
  })
  void mapsStopReasonsToFinishReasons(String stopReason, String finishReason) {
    assertThat(AnthropicBackend.finishReasonFrom(stopReason)).isEqualTo(finishReason);
  }

  @Test
  void endsReasoningAtTheThinkingBlocksStopAndNotBefore() {
    upstream.on("/v1/messages", ex -> ex.writeEvents(fixture("anthropic", "reasoning.sse")));

    List<Object> seen = new ArrayList<>();
    try (ChunkStream stream =
        backend().stream(
            new UpstreamRequest(
                json("{\"model\":\"m\",\"stream\":true,\"messages\":[]}"), Leg.REASONING))) {
      JsonObject chunk;
      while ((chunk = nextOrNull(stream)) != null) {
        seen.add(chunk == ChunkStream.REASONING_END ? "END" : kindOf(chunk));
      }
    }

    assertThat(seen).containsExactly("role", "reasoning", "reasoning", "END", "content", "broken");
  }

  @Test
  void treatsAStreamThatStopsBeforeMessageStopAsBroken() {
    upstream.on(
        "/v1/messages",
        ex -> ex.writeEvents(FixtureUpstream.events(fixture("anthropic", "streaming.sse")).get(0)));

    ChunkStream stream =
        backend().stream(new UpstreamRequest(json("{\"model\":\"m\",\"messages\":[]}"), Leg.PLAIN));
    assertThat(stream.next()).isNotNull();
    assertThatThrownBy(stream::next)
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> assertThat(e.getMessage()).contains("ended before the answer was complete"));
  }

  private static JsonObject nextOrNull(ChunkStream stream) {
    try {
      return stream.next();
    } catch (ProxyException e) {
      return BROKEN;
    }
  }

  private static final JsonObject BROKEN = json("{\"broken\":true}");

  private static String kindOf(JsonObject chunk) {
    if (chunk == BROKEN) {
      return "broken";
    }
    JsonObject delta = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    if (delta.containsKey("role")) {
      return "role";
    }
    if (delta.containsKey("reasoning_content")) {
      return "reasoning";
    }
    return delta.containsKey("content") ? "content" : delta.toString();
  }
}
