package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hybrid backend end to end on a real Liberty server, against stub upstreams that stream like
 * DeepSeek ({@code reasoning_content}), OpenRouter ({@code reasoning} + {@code reasoning_details})
 * and MiniMax ({@code <think>} in content). Backend {@code mock} runs with failure mode {@code
 * continue}, {@code strict} with {@code fail}; the reasoning leg may take 3 s (server.env).
 */
@ExtendWith(ArquillianExtension.class)
class HybridIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final String END = "end-of-reasoning";

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

  @Test
  void streamsReasoningLiveThenTheExecutionAnswerThenDone() throws Exception {
    List<String> thoughts = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      thoughts.add("Step " + i + " of the plan. ");
    }
    STUB.script("r-live", ex -> deepSeekReasoning(ex, thoughts, 40, "REASONER-ANSWER", 100));
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      words.add("word" + i + " ");
    }
    STUB.script("x-live", ex -> answer(ex, "chatcmpl-x-live", "x-live", words, 15, true));

    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"hybrid:[mock:r-live,mock:x-live]\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"temperature\":0.3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Plan a trip\"}]}");

    assertThat(stream.response().statusCode()).isEqualTo(200);
    List<ProxyClient.Line> data = stream.data();
    List<ProxyClient.Line> reasoningLines =
        data.stream().filter(l -> !l.data().equals("[DONE]") && reasoning(l.json()) != null).toList();
    assertThat(reasoningLines.size()).isGreaterThanOrEqualTo(10);
    StringBuilder reasoning = new StringBuilder();
    for (ProxyClient.Line line : reasoningLines) {
      JsonObject delta = delta(line.json());
      assertThat(delta.getString("reasoning")).isEqualTo(delta.getString("reasoning_content"));
      reasoning.append(delta.getString("reasoning_content"));
    }
    assertThat(reasoning.toString()).isEqualTo(String.join("", thoughts));
    StubUpstream.Exchange upstream = last("r-live");
    assertThat(reasoningLines.get(0).arrivedNanos())
        .as("the first reasoning delta reaches the client while the reasoner is still thinking")
        .isLessThan(upstream.marks.get(END));
    int firstContent = indexOfFirstContent(data);
    assertThat(data.indexOf(reasoningLines.get(reasoningLines.size() - 1)))
        .isLessThan(firstContent);
    assertThat(stream.content()).isEqualTo(String.join("", words));
    assertThat(data.get(data.size() - 1).data()).isEqualTo("[DONE]");
    assertThat(data.stream().filter(l -> l.data().equals("[DONE]"))).hasSize(1);
    assertThat(stream.content()).doesNotContain("REASONER-ANSWER");

    List<JsonObject> chunks = stream.chunks();
    JsonObject finish =
        chunks.stream().filter(c -> finishReason(c) != null).findFirst().orElseThrow();
    JsonObject hybrid = finish.getJsonObject("hybrid");
    assertThat(hybrid.getJsonObject("reasoning").getString("status")).isEqualTo("used");
    assertThat(hybrid.getJsonObject("reasoning").getString("end")).isEqualTo("channel");
    assertThat(hybrid.getJsonObject("reasoning").getString("decision"))
        .isEqualTo("forced_initial_turns");
    assertThat(hybrid.getJsonObject("reasoning").getBoolean("upstream_closed")).isTrue();
    assertThat(hybrid.getJsonObject("reasoning").getInt("chars"))
        .isEqualTo(String.join("", thoughts).strip().length());
    assertThat(hybrid.getJsonObject("execution").getString("model")).isEqualTo("x-live");
    JsonObject usage = chunks.get(chunks.size() - 1);
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(
            usage
                .getJsonObject("usage")
                .getJsonObject("completion_tokens_details")
                .getInt("reasoning_tokens"))
        .isEqualTo((String.join("", thoughts).strip().length() + 3) / 4);
    assertThat(hybrid.getJsonObject("reasoning").getBoolean("tokens_estimated")).isTrue();
    for (JsonObject chunk : chunks) {
      assertThat(chunk.getString("model")).isEqualTo("hybrid:[mock:r-live,mock:x-live]");
      assertThat(chunk.getString("id")).isEqualTo(chunks.get(0).getString("id"));
      assertThat(chunk.getJsonNumber("created")).isEqualTo(chunks.get(0).getJsonNumber("created"));
    }

    JsonObject sentToReasoner = upstream.body;
    assertThat(sentToReasoner.getBoolean("stream")).isTrue();
    assertThat(sentToReasoner.getString("reasoning_effort")).isEqualTo("high");
    assertThat(sentToReasoner.getJsonNumber("temperature").doubleValue()).isEqualTo(0.3);
    assertThat(sentToReasoner.getJsonArray("messages"))
        .isEqualTo(parse("{\"m\":[{\"role\":\"user\",\"content\":\"Plan a trip\"}]}").get("m"));
    upstream.disconnected.get(5, TimeUnit.SECONDS);
    assertThat(upstream.eventsSince(END))
        .as("the reasoner must be cut off right after its reasoning ended")
        .isLessThanOrEqualTo(5);
    JsonObject sentToExecutor = last("x-live").body;
    assertThat(sentToExecutor.getJsonNumber("temperature").doubleValue()).isEqualTo(0.3);
    assertThat(sentToExecutor.containsKey("reasoning_effort")).isFalse();
  }

  @Test
  void closesTheReasoningUpstreamAtTheCloseTagAndInjectsOnlyTheReasoning() throws Exception {
    STUB.script(
        "r-tag",
        ex -> {
          String id = "chatcmpl-r-tag";
          for (String part :
              List.of("<think>\n", "The user wants ", "a haiku.\n", "Plan: 5-7-5.")) {
            ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", part));
            StubUpstream.pause(Duration.ofMillis(40));
          }
          ex.mark(END);
          ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "</th"));
          ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "ink>"));
          ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", "\n\nREASONER-ANSWER begins"));
          for (int i = 0; i < 200; i++) {
            if (!ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", " REASONER-ANSWER " + i))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(50));
          }
          ex.end();
        });
    STUB.script(
        "x-tag",
        ex ->
            answer(
                ex,
                "chatcmpl-x-tag",
                "x-tag",
                List.of("<thi", "nk>private ", "thoughts</thi", "nk>\n\n", "Cherry blossoms fall"),
                10,
                false));

    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"hybrid:[ mock:r-tag , mock:x-tag ]\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a poet.\"},"
                + "{\"role\":\"user\",\"content\":\"Write a haiku\"}]}");

    assertThat(stream.content()).isEqualTo("Cherry blossoms fall");
    StubUpstream.Exchange reasoner = last("r-tag");
    reasoner.disconnected.get(5, TimeUnit.SECONDS);
    assertThat(reasoner.eventsSince(END)).isLessThanOrEqualTo(5);
    JsonArray messages = last("x-tag").body.getJsonArray("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.getJsonObject(0).getString("content"))
        .isEqualTo(
            "You are a poet.\n\nConsider this reasoning when formulating your response:\n\n"
                + "<reasoning>\nThe user wants a haiku.\nPlan: 5-7-5.\n</reasoning>");
    assertThat(messages.getJsonObject(1))
        .isEqualTo(parse("{\"role\":\"user\",\"content\":\"Write a haiku\"}"));
    assertThat(last("x-tag").body.toString()).doesNotContain("REASONER-ANSWER");
    JsonObject reasoning = hybrid(stream).getJsonObject("reasoning");
    assertThat(reasoning.getString("end")).isEqualTo("tag");
    assertThat(reasoning.getString("status")).isEqualTo("used");
  }

  @Test
  void neverCallsTheReasoningModelWithProbabilityZeroAfterTheForcedTurns() throws Exception {
    STUB.script("r-never", ex -> deepSeekReasoning(ex, List.of("thinking"), 10, "x", 1));
    STUB.script("x-never", ex -> reply(ex, "chatcmpl-x-never", "x-never", "Fine."));

    HttpResponse<String> buffered =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[mock:r-never,mock:x-never]\",\"reasoning_injection_probability\":0,"
                + "\"messages\":"
                + conversation(4)
                + "}");
    ProxyClient.Stream streamed =
        client.stream(
            "{\"model\":\"hybrid:[mock:r-never,mock:x-never]\",\"stream\":true,\"messages\":"
                + conversation(5)
                + "}",
            "X-Hybrid-Reasoning-Probability",
            "0");

    assertThat(STUB.requests("r-never")).isEmpty();
    assertThat(buffered.statusCode()).isEqualTo(200);
    assertThat(buffered.headers().firstValue("X-Hybrid-Reasoning")).contains("skipped");
    JsonObject answer = parse(buffered.body());
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo("Fine.");
    assertThat(message.containsKey("reasoning_content")).isFalse();
    JsonObject reasoning = answer.getJsonObject("hybrid").getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("skipped");
    assertThat(reasoning.getString("decision")).isEqualTo("probability");
    assertThat(streamed.response().headers().firstValue("X-Hybrid-Reasoning")).contains("skipped");
    assertThat(streamed.content()).isEqualTo("Fine.");
    assertThat(hybrid(streamed).getJsonObject("reasoning").getString("status"))
        .isEqualTo("skipped");
    for (StubUpstream.Exchange sent : STUB.requests("x-never")) {
      assertThat(sent.body.containsKey("reasoning_injection_probability")).isFalse();
      assertThat(sent.body.getJsonArray("messages").toString()).doesNotContain("Consider this");
    }
  }

  @Test
  void stillReasonsInTheLastForcedTurnWithProbabilityZero() throws Exception {
    STUB.script("r-forced", ex -> deepSeekReasoning(ex, List.of("Short plan."), 10, "x", 3));
    STUB.script("x-forced", ex -> reply(ex, "chatcmpl-x-f", "x-forced", "Done."));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[mock:r-forced,mock:x-forced]\","
                + "\"reasoning_injection_probability\":0,\"messages\":"
                + conversation(3)
                + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(STUB.requests("r-forced")).hasSize(1);
    assertThat(response.headers().firstValue("X-Hybrid-Reasoning")).contains("used");
  }

  @Test
  void rejectsAMalformedProbabilityHeader() throws Exception {
    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[mock:r-any,mock:x-any]\",\"messages\":"
                + conversation(0)
                + "}",
            "X-Hybrid-Reasoning-Probability",
            "often");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = parse(response.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("message")).contains("X-Hybrid-Reasoning-Probability", "often");
  }

  @Test
  void answersFromTheExecutionModelAloneWhenTheReasoningModelFails() throws Exception {
    STUB.script(
        "r-500",
        ex -> ex.json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));
    STUB.script("x-after-500", ex -> reply(ex, "c", "x-after-500", "Alone."));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[mock:r-500,mock:x-after-500]\",\"messages\":"
                + conversation(0)
                + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Hybrid-Reasoning")).contains("failed");
    JsonObject answer = parse(response.body());
    JsonObject reasoning = answer.getJsonObject("hybrid").getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("failed");
    assertThat(reasoning.getString("error")).contains("The server had an error");
    assertThat(
            answer
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .isEqualTo("Alone.");
    assertThat(last("x-after-500").body.getJsonArray("messages").toString())
        .doesNotContain("Consider this");
  }

  @Test
  void failsWithTheDocumentedErrorWhenTheReasoningModelFailsInFailMode() throws Exception {
    STUB.script(
        "r-strict-500",
        ex -> ex.json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));
    STUB.script(
        "r-strict-429",
        ex ->
            ex.respond(
                429,
                "application/json",
                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}",
                Map.of("Retry-After", "7")));
    STUB.script("x-strict", ex -> reply(ex, "c", "x-strict", "never"));

    HttpResponse<String> failed =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[strict:r-strict-500,mock:x-strict]\",\"messages\":"
                + conversation(0)
                + "}");
    HttpResponse<String> limited =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[strict:r-strict-429,mock:x-strict]\",\"stream\":true,"
                + "\"messages\":"
                + conversation(0)
                + "}");

    assertThat(failed.statusCode()).isEqualTo(502);
    JsonObject error = parse(failed.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("hybrid_reasoning_failed");
    assertThat(error.getString("message")).contains("strict:r-strict-500");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("7");
    assertThat(parse(limited.body()).getJsonObject("error").getString("type"))
        .isEqualTo("rate_limit_error");
    assertThat(STUB.requests("x-strict")).isEmpty();
  }

  @Test
  void continuesWithThePartialReasoningWhenTheReasoningModelNeverEnds() throws Exception {
    STUB.script("r-endless", HybridIT::endlessReasoning);
    STUB.script(
        "x-after-timeout",
        ex -> answer(ex, "chatcmpl-x-t", "x-after-timeout", List.of("Late ", "answer."), 10, false));

    long start = System.nanoTime();
    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"hybrid:[mock:r-endless,mock:x-after-timeout]\",\"stream\":true,"
                + "\"messages\":"
                + conversation(0)
                + "}");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(stream.content()).isEqualTo("Late answer.");
    JsonObject reasoning = hybrid(stream).getJsonObject("reasoning");
    assertThat(reasoning.getString("status")).isEqualTo("timeout");
    assertThat(reasoning.getString("end")).isEqualTo("timeout");
    assertThat(reasoning.getInt("chars")).isGreaterThan(0);
    assertThat(tookMillis).as("the 3 s reasoning timeout bounds the leg").isBetween(2500L, 15000L);
    last("r-endless").disconnected.get(5, TimeUnit.SECONDS);
    assertThat(last("x-after-timeout").body.getJsonArray("messages").getJsonObject(0).toString())
        .contains("Consider this reasoning", "Thought 0.");
  }

  @Test
  void failsWhenTheReasoningModelNeverEndsInFailMode() throws Exception {
    STUB.script("r-strict-endless", HybridIT::endlessReasoning);
    STUB.script("x-strict-endless", ex -> reply(ex, "c", "x", "never"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[strict:r-strict-endless,mock:x-strict-endless]\",\"messages\":"
                + conversation(0)
                + "}");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(parse(response.body()).getJsonObject("error").getString("code"))
        .isEqualTo("hybrid_reasoning_failed");
    assertThat(response.headers().firstValue("x-should-retry"))
        .as("the reasoning leg was paid")
        .contains("false");
    assertThat(STUB.requests("x-strict-endless")).isEmpty();
  }

  @Test
  void returnsReasoningAndMetadataWithoutStreaming() throws Exception {
    STUB.script(
        "r-router",
        ex -> {
          String id = "gen-1755137933-r";
          for (String part : List.of("Compare ", "both options, ", "then pick the cheaper.")) {
            ex.event(
                "{\"id\":\""
                    + id
                    + "\",\"provider\":\"DeepInfra\",\"model\":\"deepseek/deepseek-r1\","
                    + "\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                    + "\"reasoning\":"
                    + Json.createValue(part)
                    + ",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":"
                    + Json.createValue(part)
                    + ",\"format\":\"unknown\",\"index\":0}]},\"finish_reason\":null,"
                    + "\"native_finish_reason\":null,\"logprobs\":null}]}");
            StubUpstream.pause(Duration.ofMillis(30));
          }
          ex.mark(END);
          for (int i = 0; i < 100; i++) {
            if (!ex.event(StubUpstream.contentChunk(id, "deepseek/deepseek-r1", "ANSWER " + i))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(50));
          }
          ex.end();
        });
    STUB.script(
        "x-buffered",
        ex ->
            ex.json(
                200,
                "{\"id\":\"chatcmpl-xb\",\"object\":\"chat.completion\",\"created\":1755137933,"
                    + "\"model\":\"x-buffered\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"Option B.\",\"refusal\":null},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":40,"
                    + "\"completion_tokens\":3,\"total_tokens\":43}}"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"hybrid:[mock:r-router,mock:x-buffered]\",\"messages\":"
                + conversation(0)
                + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Hybrid-Reasoning")).contains("used");
    JsonObject answer = parse(response.body());
    assertThat(answer.getString("model")).isEqualTo("hybrid:[mock:r-router,mock:x-buffered]");
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    String plain = "Compare both options, then pick the cheaper.";
    assertThat(message.getString("content")).isEqualTo("Option B.");
    assertThat(message.getString("reasoning_content")).isEqualTo(plain);
    assertThat(message.getString("reasoning")).isEqualTo(plain);
    JsonObject hybrid = answer.getJsonObject("hybrid");
    assertThat(hybrid.getJsonObject("reasoning").getString("status")).isEqualTo("used");
    assertThat(hybrid.getJsonObject("reasoning").getString("end")).isEqualTo("channel");
    assertThat(hybrid.getJsonObject("reasoning").getString("backend")).isEqualTo("mock");
    assertThat(hybrid.getJsonObject("reasoning").getString("model")).isEqualTo("r-router");
    assertThat(hybrid.getJsonObject("execution").getString("model")).isEqualTo("x-buffered");
    assertThat(hybrid.getJsonObject("execution").containsKey("duration_ms")).isTrue();
    JsonObject usage = answer.getJsonObject("usage");
    assertThat(usage.getInt("total_tokens")).isEqualTo(43);
    assertThat(usage.getJsonObject("completion_tokens_details").getInt("reasoning_tokens"))
        .isEqualTo((plain.length() + 3) / 4);
    assertThat(last("x-buffered").body.getBoolean("stream", false)).isFalse();
    assertThat(last("r-router").eventsSince(END)).isLessThanOrEqualTo(5);
  }

  @Test
  void closesTheReasoningUpstreamAndNeverCallsExecutionWhenTheClientLeaves() throws Exception {
    STUB.script("r-abandoned", HybridIT::endlessReasoning);
    STUB.script("x-abandoned", ex -> reply(ex, "c", "x", "never"));

    client.stream(
        "{\"model\":\"hybrid:[mock:r-abandoned,mock:x-abandoned]\",\"stream\":true,"
            + "\"messages\":"
            + conversation(0)
            + "}",
        line -> line.isData() && line.data().contains("Thought 2."));
    long leftAt = System.nanoTime();

    StubUpstream.Exchange reasoner = last("r-abandoned");
    long disconnectedAt = reasoner.disconnected.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(disconnectedAt - leftAt))
        .as("within one heartbeat (1 s) plus generous slack")
        .isLessThan(2500);
    StubUpstream.pause(Duration.ofMillis(1500));
    assertThat(STUB.requests("x-abandoned")).isEmpty();
  }

  /**
   * Not a pass/fail bound: measures, over 20 streamed requests, how long after the reasoning stub
   * wrote its end marker it saw the disconnect, and how long until the execution request arrived.
   */
  @Test
  void measuresTheEarlyCloseAndTheHandOver() throws Exception {
    STUB.script(
        "r-measure",
        ex -> {
          String id = "chatcmpl-r-measure";
          for (int i = 0; i < 8; i++) {
            ex.event(reasoningChunk(id, "deepseek-reasoner", "Thought " + i + ". "));
            StubUpstream.pause(Duration.ofMillis(30));
          }
          ex.mark(END);
          ex.event(StubUpstream.contentChunk(id, "deepseek-reasoner", "The answer"));
          for (int i = 0; i < 2000; i++) {
            if (!ex.event(StubUpstream.contentChunk(id, "deepseek-reasoner", " more " + i))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(2));
          }
          ex.end();
        });
    STUB.script(
        "x-measure",
        ex -> answer(ex, "chatcmpl-x-m", "x-measure", List.of("Quick ", "answer."), 5, false));
    List<Double> toDisconnect = new ArrayList<>();
    List<Double> toExecution = new ArrayList<>();
    List<Integer> eventsAfter = new ArrayList<>();
    for (int run = 0; run < 20; run++) {
      ProxyClient.Stream stream =
          client.stream(
              "{\"model\":\"hybrid:[mock:r-measure,mock:x-measure]\",\"stream\":true,"
                  + "\"messages\":"
                  + conversation(0)
                  + "}");
      assertThat(stream.content()).isEqualTo("Quick answer.");
      StubUpstream.Exchange reasoner = last("r-measure");
      long marked = reasoner.marks.get(END);
      long disconnected = reasoner.disconnected.get(5, TimeUnit.SECONDS);
      toDisconnect.add((disconnected - marked) / 1e6);
      toExecution.add((last("x-measure").receivedNanos - marked) / 1e6);
      eventsAfter.add(reasoner.eventsSince(END));
    }
    Collections.sort(toDisconnect);
    Collections.sort(toExecution);
    Collections.sort(eventsAfter);
    System.out.printf(
        "HYBRID-MEASURE end marker -> reasoning upstream sees disconnect: median %.1f ms, worst"
            + " %.1f ms; end marker -> execution request at stub: median %.1f ms, worst %.1f ms;"
            + " events written after the marker: median %d, worst %d (n=20)%n",
        median(toDisconnect),
        toDisconnect.get(toDisconnect.size() - 1),
        median(toExecution),
        toExecution.get(toExecution.size() - 1),
        eventsAfter.get(eventsAfter.size() / 2),
        eventsAfter.get(eventsAfter.size() - 1));
    assertThat(toDisconnect.get(toDisconnect.size() / 2)).isLessThan(1000.0);
  }

  // --- stub scripts shaped like real providers -------------------------------------------------

  /** DeepSeek: {@code reasoning_content} deltas, then the model's own answer as content. */
  private static void deepSeekReasoning(
      StubUpstream.Exchange ex, List<String> thoughts, int paceMillis, String answer, int answers)
      throws InterruptedException {
    String id = "chatcmpl-" + ex.body.getString("model");
    ex.event(
        "{\"id\":\""
            + id
            + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"deepseek-reasoner\",\"system_fingerprint\":\"fp_ds\",\"choices\":"
            + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
            + "\"reasoning_content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
    for (String thought : thoughts) {
      ex.event(reasoningChunk(id, "deepseek-reasoner", thought));
      StubUpstream.pause(Duration.ofMillis(paceMillis));
    }
    ex.mark(END);
    for (int i = 0; i < answers; i++) {
      if (!ex.event(StubUpstream.contentChunk(id, "deepseek-reasoner", answer + " " + i))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(50));
    }
    ex.event(StubUpstream.finishChunk(id, "deepseek-reasoner"));
    ex.event("[DONE]");
    ex.end();
  }

  /** Reasoning deltas every 100 ms for far longer than the reasoning timeout. */
  private static void endlessReasoning(StubUpstream.Exchange ex) throws InterruptedException {
    String id = "chatcmpl-endless";
    for (int i = 0; i < 300; i++) {
      if (!ex.event(reasoningChunk(id, "deepseek-reasoner", "Thought " + i + ". "))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(100));
    }
    ex.end();
  }

  private static String reasoningChunk(String id, String model, String text) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":"
        + Json.createValue(text)
        + "},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  /** An execution model's streamed answer, with a usage chunk when the request asked for one. */
  private static void answer(
      StubUpstream.Exchange ex,
      String id,
      String model,
      List<String> parts,
      int paceMillis,
      boolean usage)
      throws InterruptedException {
    ex.event(
        "{\"id\":\""
            + id
            + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137999,\"model\":\""
            + model
            + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}");
    for (String part : parts) {
      if (!ex.event(StubUpstream.contentChunk(id, model, part))) {
        return;
      }
      StubUpstream.pause(Duration.ofMillis(paceMillis));
    }
    ex.event(StubUpstream.finishChunk(id, model));
    if (usage) {
      ex.event(
          "{\"id\":\""
              + id
              + "\",\"object\":\"chat.completion.chunk\",\"created\":1755137999,\"model\":\""
              + model
              + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":"
              + parts.size()
              + ",\"total_tokens\":"
              + (50 + parts.size())
              + "}}");
    }
    ex.event("[DONE]");
    ex.end();
  }

  /** Answers buffered or streamed, as the request asked. */
  private static void reply(StubUpstream.Exchange ex, String id, String model, String content)
      throws java.io.IOException, InterruptedException {
    if (ex.body.getBoolean("stream", false)) {
      answer(ex, id, model, List.of(content), 5, false);
    } else {
      ex.json(200, completion(id, model, content));
    }
  }

  private static String completion(String id, String model, String content) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion\",\"created\":1755137933,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + Json.createValue(content)
        + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
        + "\"total_tokens\":6}}";
  }

  /** A conversation whose turn index (assistant messages) is {@code turns}, ending with a user. */
  private static String conversation(int turns) {
    StringBuilder messages = new StringBuilder("[{\"role\":\"user\",\"content\":\"Question 0\"}");
    for (int i = 1; i <= turns; i++) {
      messages
          .append(",{\"role\":\"assistant\",\"content\":\"Answer ")
          .append(i)
          .append("\"},{\"role\":\"user\",\"content\":\"Question ")
          .append(i)
          .append("\"}");
    }
    return messages.append("]").toString();
  }

  // --- reading answers -------------------------------------------------------------------------

  private static StubUpstream.Exchange last(String model) {
    List<StubUpstream.Exchange> requests = STUB.requests(model);
    assertThat(requests).as("requests to " + model).isNotEmpty();
    return requests.get(requests.size() - 1);
  }

  private static JsonObject hybrid(ProxyClient.Stream stream) {
    return stream.chunks().stream()
        .filter(c -> c.containsKey("hybrid"))
        .findFirst()
        .orElseThrow()
        .getJsonObject("hybrid");
  }

  private static JsonObject delta(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    return choices.getJsonObject(0).getJsonObject("delta");
  }

  private static String reasoning(JsonObject chunk) {
    JsonObject delta = delta(chunk);
    return delta == null || !delta.containsKey("reasoning_content")
        ? null
        : delta.getString("reasoning_content");
  }

  private static String finishReason(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    JsonValue finish = choices.getJsonObject(0).get("finish_reason");
    return finish instanceof jakarta.json.JsonString s ? s.getString() : null;
  }

  private static int indexOfFirstContent(List<ProxyClient.Line> data) {
    for (int i = 0; i < data.size(); i++) {
      if (data.get(i).data().equals("[DONE]")) {
        continue;
      }
      JsonObject delta = delta(data.get(i).json());
      if (delta != null
          && delta.containsKey("content")
          && !delta.isNull("content")
          && !delta.getString("content").isEmpty()) {
        return i;
      }
    }
    return -1;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static JsonObject parse(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }
}
