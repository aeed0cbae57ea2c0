package dev.hybridproxy.backend.gemini;

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
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
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

/** What the gemini adapter sends for each kind of request, and how it reads what comes back. */
class GeminiBackendTest {
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
    upstream.on(":generateContent", ex -> ex.json(200, fixture("gemini", "plain.response.json")));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private GeminiBackend backend() {
    return backend(upstream.base());
  }

  private GeminiBackend backend(URI base) {
    return new GeminiBackend(
        GeminiContractTest.settings(base, Duration.ofSeconds(10)),
        http,
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  private JsonObject sent(String chatBody, Leg leg) {
    backend().complete(new UpstreamRequest(json(chatBody), leg));
    return upstream.last().json();
  }

  private static String ask(String model, String extra) {
    return "{\"model\":\""
        + model
        + "\""
        + extra
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  void asksForThoughtsOnTheReasoningLeg() {
    assertThat(sent(ask("gemini-2.5-pro", ""), Leg.REASONING).getJsonObject("generationConfig"))
        .isEqualTo(json("{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":-1}}"));
    assertThat(
            sent(ask("gemini-2.5-pro", ",\"reasoning_effort\":\"medium\""), Leg.REASONING)
                .getJsonObject("generationConfig"))
        .isEqualTo(json("{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":8192}}"));
  }

  @Test
  void switchesThinkingOffOnTheExecutionLegWhereTheModelAllowsIt() {
    assertThat(sent(ask("gemini-2.5-flash", ""), Leg.EXECUTION).getJsonObject("generationConfig"))
        .isEqualTo(json("{\"thinkingConfig\":{\"thinkingBudget\":0}}"));
    assertThat(sent(ask("gemini-2.5-pro", ""), Leg.EXECUTION))
        .doesNotContainKey("generationConfig");
    assertThat(
            sent(
                    ask("gemini-2.5-pro", ",\"thinkingConfig\":{\"thinkingBudget\":128}"),
                    Leg.EXECUTION)
                .getJsonObject("generationConfig"))
        .isEqualTo(json("{\"thinkingConfig\":{\"thinkingBudget\":128,\"includeThoughts\":false}}"));
  }

  @Test
  void translatesSamplingFormatMediaAndToolChoice() {
    JsonObject sent =
        sent(
            "{\"model\":\"gemini-2.0-flash\",\"top_p\":0.9,\"top_k\":40,\"n\":2,\"seed\":7,"
                + "\"max_completion_tokens\":100,\"stop\":\"END\","
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\","
                + "\"schema\":{\"type\":\"object\"}}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is here?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/webp;base64,UklGRg==\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png?x=1\"}},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA=\",\"format\":\"mp3\"}}]}]}",
            Leg.PLAIN);

    assertThat(sent.getJsonObject("generationConfig"))
        .isEqualTo(
            json(
                "{\"topP\":0.9,\"topK\":40,\"candidateCount\":2,\"seed\":7,\"maxOutputTokens\":100,"
                    + "\"stopSequences\":[\"END\"],\"responseMimeType\":\"application/json\","
                    + "\"responseJsonSchema\":{\"type\":\"object\"}}"));
    assertThat(sent.getJsonArray("contents"))
        .isEqualTo(
            json("{\"c\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is here?\"},"
                    + "{\"inlineData\":{\"mimeType\":\"image/webp\",\"data\":\"UklGRg==\"}},"
                    + "{\"fileData\":{\"mimeType\":\"image/png\",\"fileUri\":\"https://example.com/a.png?x=1\"}},"
                    + "{\"inlineData\":{\"mimeType\":\"audio/mp3\",\"data\":\"AAA=\"}}]}]}")
                .getJsonArray("c"));
    assertThat(sent.getJsonObject("toolConfig"))
        .isEqualTo(
            json(
                "{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"lookup\"]}}"));
    assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations"))
        .isEqualTo(json("{\"d\":[{\"name\":\"lookup\"}]}").getJsonArray("d"));
  }

  @Test
  void answersParallelCallsInOneTurnAndCarriesThoughtSignaturesBack() {
    JsonObject sent =
        sent(
            "{\"model\":\"gemini-2.5-flash\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"},"
                + "\"extra_content\":{\"google\":{\"thought_signature\":\"CsEBAdHt\"}}},"
                + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"arguments\":\"{\\\"location\\\":\\\"Rome\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"sunny\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_b\",\"content\":\"{\\\"time\\\":\\\"12:00\\\"}\"}]}",
            Leg.PLAIN);

    JsonArray contents = sent.getJsonArray("contents");
    assertThat(contents).hasSize(3);
    assertThat(contents.getJsonObject(1))
        .isEqualTo(
            json(
                "{\"role\":\"model\",\"parts\":["
                    + "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"location\":\"Paris\"}},"
                    + "\"thoughtSignature\":\"CsEBAdHt\"},"
                    + "{\"functionCall\":{\"name\":\"get_time\",\"args\":{\"location\":\"Rome\"}}}]}"));
    assertThat(contents.getJsonObject(2))
        .isEqualTo(
            json(
                "{\"role\":\"user\",\"parts\":["
                    + "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"result\":\"sunny\"}}},"
                    + "{\"functionResponse\":{\"name\":\"get_time\",\"response\":{\"time\":\"12:00\"}}}]}"));
  }

  @Test
  void refusesAToolResultForACallNobodyMade() {
    assertThatThrownBy(
            () ->
                sent(
                    "{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"tool\","
                        + "\"tool_call_id\":\"call_x\",\"content\":\"1\"}]}",
                    Leg.PLAIN))
        .isInstanceOfSatisfying(
            ProxyException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
  }

  @Test
  void neverLetsAModelNameSteerTheUpstreamUrl() {
    for (String model : List.of("../../v1/files", "gemini-2.0-flash?alt=x", "a/b", "")) {
      assertThatThrownBy(
              () -> backend().complete(new UpstreamRequest(json(ask(model, "")), Leg.PLAIN)))
          .isInstanceOfSatisfying(
              ProxyException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_MODEL));
    }
    assertThat(upstream.requests()).isEmpty();
    backend().complete(new UpstreamRequest(json(ask("models/gemini-2.0-flash", "")), Leg.PLAIN));
    assertThat(upstream.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
  }

  @Test
  void acceptsABaseUrlThatAlreadyNamesTheApiVersion() {
    backend(URI.create(upstream.base() + "/v1beta/"))
        .complete(new UpstreamRequest(json(ask("gemini-2.0-flash", "")), Leg.PLAIN));

    assertThat(upstream.last().path()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
  }

  @Test
  void readsThoughtsToolCallsAndReasoningTokensOfABufferedAnswer() {
    upstream.on(
        ":generateContent",
        ex ->
            ex.json(
                200,
                "{\"candidates\":[{\"content\":{\"parts\":["
                    + "{\"text\":\"Weighing options.\",\"thought\":true},"
                    + "{\"functionCall\":{\"id\":\"fc-1\",\"name\":\"f\",\"args\":{\"a\":1}},"
                    + "\"thoughtSignature\":\"sig==\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                    + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":20,"
                    + "\"candidatesTokenCount\":5,\"thoughtsTokenCount\":30,\"totalTokenCount\":55,"
                    + "\"cachedContentTokenCount\":8},\"modelVersion\":\"gemini-2.5-flash\","
                    + "\"responseId\":\"r-1\"}"));

    JsonObject answer =
        backend().complete(new UpstreamRequest(json(ask("gemini-2.5-flash", "")), Leg.PLAIN));

    assertThat(answer.getString("id")).isEqualTo("r-1");
    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
    JsonObject message = choice.getJsonObject("message");
    assertThat(message.isNull("content")).isTrue();
    assertThat(message.getString("reasoning_content")).isEqualTo("Weighing options.");
    assertThat(message.getJsonArray("tool_calls").getJsonObject(0))
        .isEqualTo(
            json(
                "{\"id\":\"fc-1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                    + "\"arguments\":\"{\\\"a\\\":1}\"},"
                    + "\"extra_content\":{\"google\":{\"thought_signature\":\"sig==\"}}}"));
    assertThat(answer.getJsonObject("usage"))
        .isEqualTo(
            json(
                "{\"prompt_tokens\":20,\"completion_tokens\":35,\"total_tokens\":55,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":8},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":30}}"));
  }

  @Test
  void mapsSafetyStopsAndBlockedPromptsToContentFilter() {
    upstream.on(
        ":generateContent",
        ex ->
            ex.json(
                200,
                "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"index\":0,\"safetyRatings\":[]}],"
                    + "\"modelVersion\":\"gemini-2.0-flash\",\"responseId\":\"r-2\"}"));
    assertThat(finishReason()).isEqualTo("content_filter");

    upstream.on(
        ":generateContent",
        ex ->
            ex.json(
                200,
                "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},"
                    + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9},"
                    + "\"modelVersion\":\"gemini-2.0-flash\",\"responseId\":\"r-3\"}"));
    assertThat(finishReason()).isEqualTo("content_filter");

    upstream.on(
        ":generateContent",
        ex ->
            ex.json(
                200,
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Once upon\"}],\"role\":\"model\"},"
                    + "\"finishReason\":\"MAX_TOKENS\",\"index\":0}],\"responseId\":\"r-4\"}"));
    assertThat(finishReason()).isEqualTo("length");
  }

  private String finishReason() {
    return backend()
        .complete(new UpstreamRequest(json(ask("gemini-2.0-flash", "")), Leg.PLAIN))
        .getJsonArray("choices")
        .getJsonObject(0)
        .getString("finish_reason");
  }

  @Test
  void endsReasoningBeforeTheFirstAnswerPartAndReportsReasoningTokens() {
    upstream.on(
        ":streamGenerateContent",
        ex -> {
          String events = fixture("gemini", "reasoning.sse");
          ex.writeEvents(events);
          ex.write(
              "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},"
                  + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 11,"
                  + "\"candidatesTokenCount\": 9,\"totalTokenCount\": 314,\"thoughtsTokenCount\": 294},"
                  + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"h373aIuKJbKCvdIP3Z6U8QQ\"}\r\n\r\n");
        });

    List<String> seen = new ArrayList<>();
    JsonObject usage = null;
    try (ChunkStream stream =
        backend().stream(
            new UpstreamRequest(
                json(
                    "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[]}"),
                Leg.REASONING))) {
      JsonObject chunk;
      while ((chunk = stream.next()) != null) {
        if (chunk == ChunkStream.REASONING_END) {
          seen.add("END");
        } else if (chunk.getJsonArray("choices").isEmpty()) {
          usage = chunk.getJsonObject("usage");
          seen.add("usage");
        } else {
          JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
          JsonObject delta = choice.getJsonObject("delta");
          seen.add(
              delta.containsKey("role")
                  ? "role"
                  : delta.containsKey("reasoning_content")
                      ? "reasoning"
                      : delta.containsKey("content")
                          ? "content"
                          : choice.getString("finish_reason"));
        }
      }
    }

    assertThat(seen)
        .containsExactly("role", "reasoning", "reasoning", "END", "content", "stop", "usage");
    assertThat(usage.getJsonObject("completion_tokens_details").getInt("reasoning_tokens"))
        .isEqualTo(294);
    assertThat(usage.getInt("completion_tokens")).isEqualTo(9 + 294);
  }

  @Test
  void takesRetryAfterFromRetryInfoWhenNoHeaderCame() {
    upstream.on(":generateContent", ex -> ex.json(429, fixture("gemini", "error-429.json")));

    assertThatThrownBy(
            () ->
                backend()
                    .complete(new UpstreamRequest(json(ask("gemini-2.0-flash", "")), Leg.PLAIN)))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED);
              assertThat(e.retryAfter()).contains("16");
            });
  }

  @Test
  void listsOnlyModelsThatGenerateContent() {
    upstream.on("/v1beta/models", ex -> ex.json(200, fixture("gemini", "models.json")));

    assertThat(backend().models()).containsExactly("gemini-2.5-flash", "gemini-2.0-flash");
    assertThat(upstream.last().header("x-goog-api-key")).isEqualTo(GeminiContractTest.KEY);
    assertThat(upstream.last().query()).isEqualTo("pageSize=1000");
  }
}
