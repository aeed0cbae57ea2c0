package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hybrid flow across wire types (issue 4): each reasoning provider's own reasoning channel is
 * captured, its upstream closed at the end of reasoning, and the reasoning injected in the form
 * the execution backend reads. Stubs speak each provider's protocol: Anthropic thinking blocks,
 * OpenAI Responses reasoning summaries, MiniMax {@code <think>} in content, Gemini thought parts.
 */
@ExtendWith(ArquillianExtension.class)
class HybridProvidersIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final String END = "end-of-reasoning";
  private static final String INJECTION = "Consider this reasoning when formulating your response:";
  private static final List<String> THOUGHTS =
      List.of(
          "The user compares 9.11 and 9.9. ",
          "Pad to the same decimals: 9.11 and 9.90. ",
          "0.90 is more than 0.11, ",
          "so 9.9 is bigger.");
  private static final String REASONING = String.join("", THOUGHTS);
  private static final List<String> WORDS = List.of("9.9 ", "is ", "the ", "bigger ", "number.");
  private static final String ANSWER = String.join("", WORDS);
  private static final String QWEN_TOKEN = "qwen-it-FAKE-access-token-000000000000";

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
  }

  private static String request(String model, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"system\",\"content\":\"Answer briefly.\"},"
        + "{\"role\":\"user\",\"content\":\"Is 9.11 bigger than 9.9?\"}]}";
  }

  @Test
  void anthropicThinkingReasonsForAnOpenAiExecutor() throws Exception {
    STUB.script("claude-reasoner", HybridProvidersIT::anthropicThinking);
    STUB.script("x-after-claude", ex -> openAiAnswer(ex, "x-after-claude"));

    ProxyClient.Stream stream =
        client.stream(request("hybrid:[claude:claude-reasoner,mock:x-after-claude]", true));

    assertHybridStream(stream, "channel");
    StubUpstream.Exchange reasoner = assertClosedAtTheEnd("claude-reasoner");
    assertThat(reasoner.path).isEqualTo("/anthropic/v1/messages");
    assertThat(reasoner.body.getJsonObject("thinking"))
        .isEqualTo(parse("{\"type\":\"enabled\",\"budget_tokens\":16000}"));
    assertThat(reasoner.body.getInt("max_tokens")).isGreaterThan(16000);
    assertThat(reasoner.body.getBoolean("stream")).isTrue();
    assertThat(reasoner.body.getString("system")).isEqualTo("Answer briefly.");
    String system = systemOf(last("x-after-claude").body);
    assertThat(system).startsWith("Answer briefly.").contains(INJECTION);
    assertThat(system).contains("<reasoning>" + REASONING.strip() + "</reasoning>");
  }

  @Test
  void anthropicThinkingReasonsForABufferedAnswer() throws Exception {
    STUB.script("claude-reasoner-b", HybridProvidersIT::anthropicThinking);
    STUB.script("x-after-claude-b", ex -> openAiAnswer(ex, "x-after-claude-b"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            request("hybrid:[claude:claude-reasoner-b,mock:x-after-claude-b]", false));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Hybrid-Reasoning")).contains("used");
    JsonObject answer = parse(response.body());
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo(ANSWER);
    assertThat(message.getString("reasoning_content")).isEqualTo(REASONING.strip());
    assertThat(answer.getJsonObject("hybrid").getJsonObject("reasoning").getString("end"))
        .isEqualTo("channel");
    assertClosedAtTheEnd("claude-reasoner-b");
  }

  @Test
  void openAiReasoningSummariesReasonForAnAnthropicExecutor() throws Exception {
    STUB.script("o4-mini", HybridProvidersIT::responsesSummaries);
    STUB.script("claude-executor", HybridProvidersIT::anthropicAnswer);

    ProxyClient.Stream stream =
        client.stream(request("hybrid:[mock:o4-mini,claude:claude-executor]", true));

    assertHybridStream(stream, "channel");
    StubUpstream.Exchange reasoner = assertClosedAtTheEnd("o4-mini");
    assertThat(reasoner.path).isEqualTo("/v1/responses");
    assertThat(reasoner.body.getJsonObject("reasoning"))
        .isEqualTo(parse("{\"effort\":\"high\",\"summary\":\"detailed\"}"));
    assertThat(reasoner.body.getJsonArray("input").getJsonObject(1).getString("content"))
        .isEqualTo("Is 9.11 bigger than 9.9?");
    StubUpstream.Exchange executor = last("claude-executor");
    assertThat(executor.path).isEqualTo("/anthropic/v1/messages");
    assertThat(executor.body.containsKey("thinking")).isFalse();
    assertThat(executor.body.getString("system"))
        .startsWith("Answer briefly.")
        .contains(INJECTION)
        .contains("<thinking>" + REASONING.strip() + "</thinking>");
  }

  @Test
  void miniMaxThinkTagsReasonForAQwenOAuthExecutor() throws Exception {
    Path credentials = Path.of("target/it-qwen/oauth_creds.json");
    Files.createDirectories(credentials.getParent());
    Files.writeString(
        credentials,
        "{\"access_token\":\""
            + QWEN_TOKEN
            + "\",\"token_type\":\"Bearer\",\"refresh_token\":\"qwen-it-FAKE-refresh-token\","
            + "\"expiry_date\":"
            + Instant.now().plus(Duration.ofDays(1)).toEpochMilli()
            + "}");
    STUB.script("MiniMax-M2-it", HybridProvidersIT::thinkTags);
    STUB.script("qwen3-coder-plus", ex -> openAiAnswer(ex, "qwen3-coder-plus"));

    ProxyClient.Stream stream =
        client.stream(request("hybrid:[mock:MiniMax-M2-it,qwen-oauth:qwen3-coder-plus]", true));

    assertHybridStream(stream, "tag");
    assertClosedAtTheEnd("MiniMax-M2-it");
    StubUpstream.Exchange executor = last("qwen3-coder-plus");
    assertThat(executor.path).isEqualTo("/v1/chat/completions");
    assertThat(executor.header("Authorization")).isEqualTo("Bearer " + QWEN_TOKEN);
    assertThat(executor.body.getBoolean("enable_thinking")).isFalse();
    assertThat(systemOf(executor.body))
        .contains(INJECTION)
        .contains("<thinking>" + REASONING.strip() + "</thinking>");
  }

  @Test
  void geminiThoughtsReasonForAnOpenAiExecutor() throws Exception {
    STUB.script("gemini-2.5-flash-it", HybridProvidersIT::geminiThoughts);
    STUB.script("x-after-gemini", ex -> openAiAnswer(ex, "x-after-gemini"));

    ProxyClient.Stream stream =
        client.stream(request("hybrid:[gem:gemini-2.5-flash-it,mock:x-after-gemini]", true));

    assertHybridStream(stream, "channel");
    StubUpstream.Exchange reasoner = assertClosedAtTheEnd("gemini-2.5-flash-it");
    assertThat(reasoner.path)
        .isEqualTo("/gemini/v1beta/models/gemini-2.5-flash-it:streamGenerateContent");
    assertThat(reasoner.query).isEqualTo("alt=sse");
    assertThat(reasoner.body.getJsonObject("generationConfig").getJsonObject("thinkingConfig"))
        .isEqualTo(parse("{\"includeThoughts\":true,\"thinkingBudget\":-1}"));
    assertThat(systemOf(last("x-after-gemini").body))
        .contains(INJECTION)
        .contains("<reasoning>" + REASONING.strip() + "</reasoning>");
  }

  // ---- assertions ----

  private static void assertHybridStream(ProxyClient.Stream stream, String end) {
    assertThat(stream.response().statusCode()).isEqualTo(200);
    StringBuilder reasoning = new StringBuilder();
    for (JsonObject chunk : stream.chunks()) {
      if (chunk.getJsonArray("choices") != null && !chunk.getJsonArray("choices").isEmpty()) {
        JsonObject delta = chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
        if (delta != null && delta.get("reasoning_content") instanceof jakarta.json.JsonString r) {
          reasoning.append(r.getString());
        }
      }
    }
    assertThat(reasoning.toString()).isEqualTo(REASONING);
    assertThat(stream.content()).isEqualTo(ANSWER).doesNotContain("REASONER-ANSWER");
    List<ProxyClient.Line> data = stream.data();
    assertThat(data.get(data.size() - 1).data()).isEqualTo("[DONE]");
    JsonObject hybrid =
        stream.chunks().stream()
            .filter(c -> c.containsKey("hybrid"))
            .findFirst()
            .orElseThrow()
            .getJsonObject("hybrid")
            .getJsonObject("reasoning");
    assertThat(hybrid.getString("status")).isEqualTo("used");
    assertThat(hybrid.getString("end")).isEqualTo(end);
    assertThat(hybrid.getBoolean("upstream_closed")).isTrue();
  }

  /** The reasoner saw the disconnect, a few events at most after the end of its reasoning. */
  private static StubUpstream.Exchange assertClosedAtTheEnd(String model) throws Exception {
    StubUpstream.Exchange reasoner = last(model);
    reasoner.disconnected.get(5, TimeUnit.SECONDS);
    assertThat(reasoner.eventsSince(END))
        .as("the reasoner must be cut off right after its reasoning ended")
        .isLessThanOrEqualTo(5);
    return reasoner;
  }

  private static StubUpstream.Exchange last(String model) {
    List<StubUpstream.Exchange> sent = STUB.requests(model);
    assertThat(sent).as("requests for " + model).isNotEmpty();
    return sent.get(sent.size() - 1);
  }

  private static String systemOf(JsonObject chatBody) {
    JsonObject first = chatBody.getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("role")).isEqualTo("system");
    return first.getString("content");
  }

  private static JsonObject parse(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  // ---- the stub upstreams, each in its provider's wire format ----

  private static String named(String event, String data) {
    return "event: " + event + "\ndata: " + data + "\n\n";
  }

  private static String text(String value) {
    return Json.createValue(value).toString();
  }

  /** Anthropic Messages: a thinking block, then the reasoner's own answer that never ends. */
  private static void anthropicThinking(StubUpstream.Exchange ex) throws InterruptedException {
    ex.rawEvent(
        named(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01ItReasoner\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
                + "{\"input_tokens\":30,\"output_tokens\":1}}}"));
    ex.rawEvent(
        named(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"));
    for (String thought : THOUGHTS) {
      ex.rawEvent(
          named(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                  + "\"thinking_delta\",\"thinking\":"
                  + text(thought)
                  + "}}"));
      StubUpstream.pause(Duration.ofMillis(40));
    }
    ex.rawEvent(
        named(
            "content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                + "\"signature_delta\",\"signature\":\"EqQBCgIYAhIMFAKEsignature==\"}}"));
    ex.rawEvent(named("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    ex.mark(END);
    ex.rawEvent(
        named(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
    for (int i = 0; i < 100; i++) {
      if (!ex.rawEvent(
          named(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\","
                  + "\"text\":\"REASONER-ANSWER "
                  + i
                  + " \"}}"))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(50));
    }
    ex.end();
  }

  /** Anthropic Messages as the executor: a plain text answer. */
  private static void anthropicAnswer(StubUpstream.Exchange ex) {
    ex.rawEvent(
        named(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01ItExecutor\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
                + "{\"input_tokens\":80,\"output_tokens\":1}}}"));
    ex.rawEvent(
        named(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
    for (String word : WORDS) {
      ex.rawEvent(
          named(
              "content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                  + "\"text\":"
                  + text(word)
                  + "}}"));
    }
    ex.rawEvent(named("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
    ex.rawEvent(
        named(
            "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":6}}"));
    ex.rawEvent(named("message_stop", "{\"type\":\"message_stop\"}"));
    ex.end();
  }

  /** OpenAI Responses: reasoning summary deltas, the reasoning item done, then output text. */
  private static void responsesSummaries(StubUpstream.Exchange ex) throws InterruptedException {
    ex.rawEvent(
        named(
            "response.created",
            "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":"
                + "\"resp_it01\",\"object\":\"response\",\"created_at\":1759320171,\"status\":"
                + "\"in_progress\",\"model\":\"o4-mini-2025-04-16\",\"output\":[],\"reasoning\":"
                + "{\"effort\":\"high\",\"summary\":\"detailed\"}}}"));
    ex.rawEvent(
        named(
            "response.output_item.added",
            "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,"
                + "\"item\":{\"id\":\"rs_it01\",\"type\":\"reasoning\",\"summary\":[]}}"));
    ex.rawEvent(
        named(
            "response.reasoning_summary_part.added",
            "{\"type\":\"response.reasoning_summary_part.added\",\"sequence_number\":2,"
                + "\"item_id\":\"rs_it01\",\"output_index\":0,\"summary_index\":0,\"part\":"
                + "{\"type\":\"summary_text\",\"text\":\"\"}}"));
    int sequence = 3;
    for (String thought : THOUGHTS) {
      ex.rawEvent(
          named(
              "response.reasoning_summary_text.delta",
              "{\"type\":\"response.reasoning_summary_text.delta\",\"sequence_number\":"
                  + sequence++
                  + ",\"item_id\":\"rs_it01\",\"output_index\":0,\"summary_index\":0,\"delta\":"
                  + text(thought)
                  + "}"));
      StubUpstream.pause(Duration.ofMillis(40));
    }
    ex.rawEvent(
        named(
            "response.output_item.done",
            "{\"type\":\"response.output_item.done\",\"sequence_number\":"
                + sequence++
                + ",\"output_index\":0,\"item\":{\"id\":\"rs_it01\",\"type\":\"reasoning\","
                + "\"summary\":[{\"type\":\"summary_text\",\"text\":"
                + text(REASONING)
                + "}]}}"));
    ex.mark(END);
    ex.rawEvent(
        named(
            "response.output_item.added",
            "{\"type\":\"response.output_item.added\",\"sequence_number\":"
                + sequence++
                + ",\"output_index\":1,\"item\":{\"id\":\"msg_it01\",\"type\":\"message\","
                + "\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}"));
    for (int i = 0; i < 100; i++) {
      if (!ex.rawEvent(
          named(
              "response.output_text.delta",
              "{\"type\":\"response.output_text.delta\",\"sequence_number\":"
                  + sequence++
                  + ",\"item_id\":\"msg_it01\",\"output_index\":1,\"content_index\":0,"
                  + "\"delta\":\"REASONER-ANSWER "
                  + i
                  + " \",\"logprobs\":[]}"))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(50));
    }
    ex.end();
  }

  /** MiniMax: the reasoning inside {@code <think>} in content, then its own answer. */
  private static void thinkTags(StubUpstream.Exchange ex) throws InterruptedException {
    String id = "chatcmpl-minimax-it";
    ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "<think>"));
    for (String thought : THOUGHTS) {
      ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", thought));
      StubUpstream.pause(Duration.ofMillis(40));
    }
    ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "</think>\n\n"));
    ex.mark(END);
    for (int i = 0; i < 100; i++) {
      if (!ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "REASONER-ANSWER " + i + " "))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(50));
    }
    ex.event("[DONE]");
    ex.end();
  }

  /** Gemini: thought parts, then answer parts that never end (CRLF-framed, as Gemini sends). */
  private static void geminiThoughts(StubUpstream.Exchange ex) throws InterruptedException {
    for (String thought : THOUGHTS) {
      ex.rawEvent(geminiChunk("{\"text\":" + text(thought) + ",\"thought\":true}"));
      StubUpstream.pause(Duration.ofMillis(40));
    }
    ex.mark(END);
    for (int i = 0; i < 100; i++) {
      if (!ex.rawEvent(geminiChunk("{\"text\":\"REASONER-ANSWER " + i + " \"}"))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(50));
    }
    ex.end();
  }

  private static String geminiChunk(String part) {
    return "data: {\"candidates\": [{\"content\": {\"parts\": ["
        + part
        + "],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 14,"
        + "\"totalTokenCount\": 14},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\":"
        + " \"it-gemini-01\"}\r\n\r\n";
  }

  /** An OpenAI-compatible executor, streamed or buffered as asked. */
  private static void openAiAnswer(StubUpstream.Exchange ex, String model)
      throws java.io.IOException {
    String id = "chatcmpl-" + model;
    if (!ex.body.getBoolean("stream", false)) {
      ex.json(
          200,
          "{\"id\":\""
              + id
              + "\",\"object\":\"chat.completion\",\"created\":1759320000,\"model\":\""
              + model
              + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
              + text(ANSWER)
              + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":60,"
              + "\"completion_tokens\":6,\"total_tokens\":66}}");
      return;
    }
    ex.event(
        "{\"id\":\""
            + id
            + "\",\"object\":\"chat.completion.chunk\",\"created\":1759320000,\"model\":\""
            + model
            + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}");
    for (String word : WORDS) {
      ex.event(StubUpstream.contentChunk(id, model, word));
    }
    ex.event(StubUpstream.finishChunk(id, model));
    ex.event("[DONE]");
    ex.end();
  }
}
