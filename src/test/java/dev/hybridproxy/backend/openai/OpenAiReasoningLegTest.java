package dev.hybridproxy.backend.openai;

import static dev.hybridproxy.backend.FixtureUpstream.fixture;
import static dev.hybridproxy.backend.FixtureUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.backend.FixtureUpstream;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which calls of the openai adapter take the Responses API, and how reasoning summaries come back
 * as reasoning chunks.
 */
class OpenAiReasoningLegTest {
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
    upstream.on(
        "/v1/chat/completions", ex -> ex.json(200, fixture("openai", "plain.response.json")));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private OpenAiBackend backend() {
    return backend(OpenAiContractTest.settings(upstream.base(), Duration.ofSeconds(10)));
  }

  private OpenAiBackend backend(BackendSettings settings) {
    return new OpenAiBackend(
        settings,
        http,
        OpenAiBackend.Credentials.fixed(settings),
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  private static UpstreamRequest ask(String model, Leg leg) {
    return new UpstreamRequest(
        json(
            "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Is 9.11 bigger than 9.9?\"}]}"),
        leg);
  }

  @ParameterizedTest(name = "{0} on the {1} leg -> {2}")
  @CsvSource({
    "o4-mini, REASONING, /v1/responses",
    "o1-preview, REASONING, /v1/responses",
    "o3, REASONING, /v1/responses",
    "gpt-5, REASONING, /v1/responses",
    "gpt-5.1-codex, REASONING, /v1/responses",
    "GPT-5-mini, REASONING, /v1/responses",
    "gpt-5-chat-latest, REASONING, /v1/chat/completions",
    "gpt-4o, REASONING, /v1/chat/completions",
    "o4-mini, PLAIN, /v1/chat/completions",
    "o4-mini, EXECUTION, /v1/chat/completions",
  })
  void takesTheResponsesApiOnlyForReasoningModelsOnTheReasoningLeg(
      String model, Leg leg, String path) {
    upstream.on(
        "/v1/responses",
        ex ->
            ex.json(
                200,
                "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1759320171,"
                    + "\"status\":\"completed\",\"model\":\"o4-mini\",\"output\":[]}"));

    backend().complete(ask(model, leg));

    assertThat(upstream.last().path()).isEqualTo(path);
  }

  @Test
  void neverTakesTheResponsesApiWhenNoModelsAreListed() {
    BackendSettings settings =
        new BackendSettings(
            "openai",
            "openai",
            URI.create(upstream.base() + "/v1"),
            Optional.of(OpenAiContractTest.KEY),
            Duration.ofSeconds(10),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    backend(settings).complete(ask("o4-mini", Leg.REASONING));

    assertThat(upstream.last().path()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void translatesTheConversationIntoResponsesInputItems() {
    upstream.on("/v1/responses", ex -> ex.writeEvents(fixture("openai", "reasoning.sse")));
    JsonObject body =
        json(
            "{\"model\":\"o3\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"temperature\":0.7,\"top_p\":0.9,\"presence_penalty\":1,\"stop\":[\"x\"],"
                + "\"max_tokens\":5000,\"reasoning_effort\":\"medium\",\"verbosity\":\"low\","
                + "\"user\":\"u-1\",\"parallel_tool_calls\":false,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\"}}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Weather\",\"parameters\":{\"type\":\"object\"},\"strict\":true}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},"
                + "\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look:\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\",\"detail\":\"low\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"},"
                + "{\"role\":\"assistant\",\"content\":\"It is sunny.\"}]}");

    try (ChunkStream stream = backend().stream(new UpstreamRequest(body, Leg.REASONING))) {
      assertThat(stream.next()).isNotNull();
    }

    assertThat(upstream.last().json())
        .isEqualTo(
            json(
                "{\"model\":\"o3\",\"input\":["
                    + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Look:\"},"
                    + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/a.png\",\"detail\":\"low\"}]},"
                    + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{}\"},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"sunny\"},"
                    + "{\"role\":\"assistant\",\"content\":\"It is sunny.\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
                    + "\"parameters\":{\"type\":\"object\"},\"strict\":true}],"
                    + "\"tool_choice\":{\"type\":\"function\",\"name\":\"get_weather\"},"
                    + "\"max_output_tokens\":5000,"
                    + "\"reasoning\":{\"effort\":\"medium\",\"summary\":\"detailed\"},"
                    + "\"text\":{\"verbosity\":\"low\",\"format\":{\"type\":\"json_schema\",\"name\":\"answer\","
                    + "\"strict\":true,\"schema\":{\"type\":\"object\"}}},"
                    + "\"parallel_tool_calls\":false,\"user\":\"u-1\",\"store\":false,\"stream\":true}"));
    assertThat(upstream.last().header("Authorization"))
        .isEqualTo("Bearer " + OpenAiContractTest.KEY);
  }

  @Test
  void streamsAWholeResponseWithSummaryPartsToolCallsAndUsage() {
    upstream.on(
        "/v1/responses",
        ex ->
            ex.writeEvents(
                event(
                        "response.created",
                        "\"response\":{\"id\":\"resp_9\",\"object\":\"response\","
                            + "\"created_at\":1759320171,\"status\":\"in_progress\",\"model\":\"o3-2025-04-16\","
                            + "\"output\":[]}")
                    + event(
                        "response.output_item.added",
                        "\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}")
                    + event(
                        "response.reasoning_summary_part.added",
                        "\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
                            + "\"part\":{\"type\":\"summary_text\",\"text\":\"\"}")
                    + event(
                        "response.reasoning_summary_text.delta",
                        "\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,"
                            + "\"delta\":\"**Planning**\"")
                    + event(
                        "response.reasoning_summary_part.added",
                        "\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":1,"
                            + "\"part\":{\"type\":\"summary_text\",\"text\":\"\"}")
                    + event(
                        "response.reasoning_summary_text.delta",
                        "\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":1,"
                            + "\"delta\":\"**Calling the tool**\"")
                    + event(
                        "response.output_item.done",
                        "\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\"}")
                    + event(
                        "response.output_item.added",
                        "\"output_index\":1,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\","
                            + "\"status\":\"in_progress\",\"arguments\":\"\",\"call_id\":\"call_7\","
                            + "\"name\":\"get_weather\"}")
                    + event(
                        "response.function_call_arguments.delta",
                        "\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":\"{\\\"location\\\":\"")
                    + event(
                        "response.function_call_arguments.delta",
                        "\"item_id\":\"fc_1\",\"output_index\":1,\"delta\":\"\\\"Paris\\\"}\"")
                    + event(
                        "response.function_call_arguments.done",
                        "\"item_id\":\"fc_1\",\"output_index\":1,\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"")
                    + event(
                        "response.completed",
                        "\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"completed\","
                            + "\"usage\":{\"input_tokens\":80,\"input_tokens_details\":{\"cached_tokens\":0},"
                            + "\"output_tokens\":300,\"output_tokens_details\":{\"reasoning_tokens\":256},"
                            + "\"total_tokens\":380}}")));

    List<String> seen = new ArrayList<>();
    StringBuilder reasoning = new StringBuilder();
    StringBuilder arguments = new StringBuilder();
    JsonObject usage = null;
    try (ChunkStream stream =
        backend().stream(
            new UpstreamRequest(
                json(
                    "{\"model\":\"o3\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}"),
                Leg.REASONING))) {
      JsonObject chunk;
      while ((chunk = stream.next()) != null) {
        if (chunk == ChunkStream.REASONING_END) {
          seen.add("END");
          continue;
        }
        assertThat(chunk.getString("id")).isEqualTo("resp_9");
        if (chunk.getJsonArray("choices").isEmpty()) {
          usage = chunk.getJsonObject("usage");
          seen.add("usage");
          continue;
        }
        JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
        JsonObject delta = choice.getJsonObject("delta");
        if (delta.containsKey("reasoning_content")) {
          reasoning.append(delta.getString("reasoning_content"));
          seen.add("reasoning");
        } else if (delta.containsKey("tool_calls")) {
          JsonObject call = delta.getJsonArray("tool_calls").getJsonObject(0);
          assertThat(call.getInt("index")).isZero();
          if (call.containsKey("id")) {
            assertThat(call.getString("id")).isEqualTo("call_7");
            assertThat(call.getJsonObject("function").getString("name")).isEqualTo("get_weather");
          }
          arguments.append(call.getJsonObject("function").getString("arguments"));
          seen.add("tool");
        } else if (delta.containsKey("role")) {
          seen.add("role");
        } else {
          seen.add(choice.getString("finish_reason"));
        }
      }
    }

    assertThat(seen)
        .containsExactly(
            "role", "reasoning", "reasoning", "END", "tool", "tool", "tool", "tool_calls", "usage");
    assertThat(reasoning.toString()).isEqualTo("**Planning**\n\n**Calling the tool**");
    assertThat(arguments.toString()).isEqualTo("{\"location\":\"Paris\"}");
    assertThat(usage)
        .isEqualTo(
            json(
                "{\"prompt_tokens\":80,\"completion_tokens\":300,\"total_tokens\":380,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":256}}"));
  }

  @Test
  void reportsAFailedResponseAndAnErrorEvent() {
    String created =
        event(
            "response.created",
            "\"response\":{\"id\":\"resp_f\",\"object\":\"response\",\"created_at\":1,"
                + "\"status\":\"in_progress\",\"model\":\"o3\",\"output\":[]}");
    upstream.on(
        "/v1/responses",
        ex ->
            ex.writeEvents(
                created
                    + event(
                        "response.failed",
                        "\"response\":{\"id\":\"resp_f\",\"status\":\"failed\",\"error\":{\"code\":"
                            + "\"server_error\",\"message\":\"The model failed to generate a response.\"}}")));
    assertThat(failureOf("o3").getMessage()).isEqualTo("The model failed to generate a response.");

    upstream.on(
        "/v1/responses",
        ex ->
            ex.writeEvents(
                created
                    + event(
                        "error",
                        "\"code\":\"ERR_SOMETHING\",\"message\":\"Something went wrong\",\"param\":null")));
    assertThat(failureOf("o3").getMessage()).isEqualTo("Something went wrong");
  }

  private ProxyException failureOf(String model) {
    try (ChunkStream stream =
        backend().stream(
            new UpstreamRequest(
                json(
                    "{\"model\":\""
                        + model
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                Leg.REASONING))) {
      while (stream.next() != null) {
        // drain until the failure
      }
    } catch (ProxyException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
      return e;
    }
    throw new AssertionError("the stream ended without a failure");
  }

  @Test
  void readsABufferedResponseWithItsSummaries() {
    upstream.on(
        "/v1/responses",
        ex ->
            ex.json(
                200,
                "{\"id\":\"resp_b\",\"object\":\"response\",\"created_at\":1759320171,"
                    + "\"status\":\"completed\",\"model\":\"o4-mini-2025-04-16\",\"output\":["
                    + "{\"id\":\"rs_b\",\"type\":\"reasoning\",\"summary\":["
                    + "{\"type\":\"summary_text\",\"text\":\"First.\"},"
                    + "{\"type\":\"summary_text\",\"text\":\"Second.\"}]},"
                    + "{\"id\":\"msg_b\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\","
                    + "\"content\":[{\"type\":\"output_text\",\"annotations\":[],\"text\":\"9.9 is bigger.\"}]}],"
                    + "\"usage\":{\"input_tokens\":15,\"output_tokens\":400,"
                    + "\"output_tokens_details\":{\"reasoning_tokens\":384},\"total_tokens\":415}}"));

    JsonObject answer = backend().complete(ask("o4-mini", Leg.REASONING));

    assertThat(answer.getString("object")).isEqualTo("chat.completion");
    assertThat(answer.getJsonNumber("created").longValue()).isEqualTo(1759320171L);
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo("9.9 is bigger.");
    assertThat(message.getString("reasoning_content")).isEqualTo("First.\n\nSecond.");
    assertThat(
            answer
                .getJsonObject("usage")
                .getJsonObject("completion_tokens_details")
                .getInt("reasoning_tokens"))
        .isEqualTo(384);
    assertThat(upstream.last().json().getBoolean("store")).isFalse();
    assertThat(upstream.last().json()).doesNotContainKey("stream");
  }

  private static String event(String type, String fields) {
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\"," + fields + "}\n\n";
  }
}
