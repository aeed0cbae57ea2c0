package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
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

/** The plain proxy path on a real Liberty server against a scripted OpenAI-compatible upstream. */
@ExtendWith(ArquillianExtension.class)
class PlainProxyIT {
  private static final StubUpstream STUB = StubUpstream.get();

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

  private static JsonObject parse(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  @Test
  void streamsEachChunkAsTheUpstreamProducesIt() throws Exception {
    STUB.script(
        "dribble",
        ex -> {
          String[] words = {"Hel", "lo", ", wor", "ld", "!"};
          for (String word : words) {
            ex.event(StubUpstream.contentChunk("chatcmpl-dribble", "dribble-0613", word));
            StubUpstream.pause(Duration.ofMillis(300));
          }
          ex.event(StubUpstream.finishChunk("chatcmpl-dribble", "dribble-0613"));
          ex.event("[DONE]");
          ex.end();
        });

    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"mock:dribble\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.response().headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    assertThat(stream.lines().get(0).text()).startsWith(":");
    assertThat(stream.content()).isEqualTo("Hello, world!");
    List<ProxyClient.Line> data = stream.data();
    assertThat(data.get(data.size() - 1).data()).isEqualTo("[DONE]");
    assertThat(data.stream().filter(l -> l.data().equals("[DONE]"))).hasSize(1);
    long spreadMillis =
        TimeUnit.NANOSECONDS.toMillis(data.get(4).arrivedNanos() - data.get(0).arrivedNanos());
    // dribbled 300 ms apart: 1200 ms when forwarded one by one, ~0 when buffered
    assertThat(spreadMillis).as("chunks must not be buffered").isGreaterThan(500);
    for (JsonObject chunk : stream.chunks()) {
      assertThat(chunk.getString("model")).isEqualTo("mock:dribble");
      assertThat(chunk.getString("id")).isEqualTo("chatcmpl-dribble");
      assertThat(chunk.getJsonNumber("created").longValue()).isEqualTo(1755137933L);
    }
  }

  @Test
  void sendsKeepAliveCommentsWhileTheUpstreamIsSilent() throws Exception {
    STUB.script(
        "thinker",
        ex -> {
          ex.startStream();
          ex.write(": upstream processing\n\n");
          StubUpstream.pause(Duration.ofMillis(2500));
          ex.event(StubUpstream.contentChunk("chatcmpl-thinker", "thinker", "done thinking"));
          ex.event("[DONE]");
          ex.end();
        });

    ProxyClient.Stream stream = client.stream(streamBody("mock:thinker"));

    List<ProxyClient.Line> beforeData =
        stream.lines().stream().takeWhile(l -> !l.isData()).toList();
    assertThat(beforeData).allMatch(l -> l.text().equals(": keep-alive"));
    assertThat(beforeData.size()).as("heartbeat is 1 s, the upstream is silent 2.5 s").isBetween(2, 5);
    long firstComment = beforeData.get(0).arrivedNanos();
    long firstData = stream.data().get(0).arrivedNanos();
    assertThat(TimeUnit.NANOSECONDS.toMillis(firstData - firstComment)).isGreaterThan(1800);
    assertThat(stream.content()).isEqualTo("done thinking");
  }

  @Test
  void forwardsUnknownRequestFieldsAndReturnsUnknownResponseFields() throws Exception {
    STUB.script(
        "echo",
        ex ->
            ex.json(
                200,
                "{\"id\":\"chatcmpl-echo\",\"object\":\"chat.completion\",\"created\":1755137933,"
                    + "\"model\":\"echo-2025\",\"system_fingerprint\":\"fp_1\","
                    + "\"x_vendor_extra\":{\"cached\":true,\"tier\":[1,2]},"
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"pong\",\"refusal\":null},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}"));
    String request =
        "{\"model\":\"mock:echo\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],"
            + "\"temperature\":0.3,\"seed\":7,\"user\":\"u-1\",\"stop\":[\"\\n\\n\"],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],"
            + "\"x_custom\":{\"nested\":[1,{\"deep\":null}]}}";

    HttpResponse<String> response = client.post("v1/chat/completions", request);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject answer = parse(response.body());
    assertThat(answer.getString("model")).isEqualTo("mock:echo");
    assertThat(answer.getJsonObject("x_vendor_extra"))
        .isEqualTo(parse("{\"cached\":true,\"tier\":[1,2]}"));
    assertThat(answer.getJsonObject("usage").getInt("total_tokens")).isEqualTo(10);
    StubUpstream.Exchange sent = STUB.requests("echo").get(STUB.requests("echo").size() - 1);
    JsonObject expected = Json.createObjectBuilder(parse(request)).add("model", "echo").build();
    assertThat(sent.body).isEqualTo(expected);
    assertThat(sent.path).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-it-mock-0000000000000000");
  }

  @Test
  void appliesUriParametersOverTheRequestBody() throws Exception {
    STUB.script(
        "params",
        ex ->
            ex.json(
                200,
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"params\","
                    + "\"choices\":[]}"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"mock:params?temperature=0.9&top_p=0.5&reasoning_effort=high\","
                + "\"temperature\":0.1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject sent = STUB.requests("params").get(STUB.requests("params").size() - 1).body;
    assertThat(sent.getJsonNumber("temperature").doubleValue()).isEqualTo(0.9);
    assertThat(sent.getJsonNumber("top_p").doubleValue()).isEqualTo(0.5);
    assertThat(sent.getString("reasoning_effort")).isEqualTo("high");
    assertThat(sent.getString("model")).isEqualTo("params");
  }

  @Test
  void closesTheUpstreamWhenTheClientHangsUp() throws Exception {
    STUB.script(
        "endless",
        ex -> {
          for (int i = 0; i < 400; i++) {
            if (!ex.event(StubUpstream.contentChunk("chatcmpl-endless", "endless", "tick " + i))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(50));
          }
          ex.end();
        });
    int before = STUB.requests("endless").size();

    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"mock:endless\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}",
            line -> line.isData() && line.data().contains("tick 4"));
    long closedAt = System.nanoTime();

    StubUpstream.Exchange upstream = STUB.requests("endless").get(before);
    long disconnectedAt = upstream.disconnected.get(10, TimeUnit.SECONDS);
    long afterClose = TimeUnit.NANOSECONDS.toMillis(disconnectedAt - closedAt);
    assertThat(stream.content()).endsWith("tick 4");
    assertThat(afterClose)
        .as("upstream must see the disconnect within one heartbeat (1 s) + 200 ms")
        .isLessThan(1200);
    assertThat(upstream.eventsWritten.get()).isLessThan(60);
  }

  @Test
  void listsTheModelsOfEveryConfiguredBackend() throws Exception {
    STUB.models(List.of("fast-1", "r1"));

    HttpResponse<String> response = client.get("v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject list = parse(response.body());
    assertThat(list.getString("object")).isEqualTo("list");
    List<String> ids =
        list.getJsonArray("data").stream().map(v -> v.asJsonObject().getString("id")).toList();
    assertThat(ids)
        .contains("mock:fast-1", "mock:r1", "recorded:gpt-5-nano", "recorded:gpt-4o-mini");
    JsonObject first = list.getJsonArray("data").getJsonObject(0);
    assertThat(first.getString("object")).isEqualTo("model");
    assertThat(first.containsKey("created")).isTrue();
    assertThat(first.containsKey("owned_by")).isTrue();
  }

  @Test
  void reportsAnUpstream500AsBadGateway() throws Exception {
    STUB.script(
        "fail500",
        ex -> ex.json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));

    HttpResponse<String> response = client.post("v1/chat/completions", body("mock:fail500"));

    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject error = parse(response.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("upstream_error");
    assertThat(error.getString("message")).isEqualTo("The server had an error");
  }

  @Test
  void keepsRetryAfterOnAnUpstream429() throws Exception {
    STUB.script(
        "limited",
        ex ->
            ex.respond(
                429,
                "application/json",
                "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                    + "\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "7")));

    HttpResponse<String> buffered = client.post("v1/chat/completions", body("mock:limited"));
    HttpResponse<String> streamed =
        client.post("v1/chat/completions", streamBody("mock:limited"));

    for (HttpResponse<String> response : List.of(buffered, streamed)) {
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(response.headers().firstValue("Retry-After")).contains("7");
      JsonObject error = parse(response.body()).getJsonObject("error");
      assertThat(error.getString("type")).isEqualTo("rate_limit_error");
      assertThat(error.getString("message")).isEqualTo("Rate limit reached for requests");
    }
  }

  @Test
  void neverEchoesAnUpstreamHtmlErrorPage() throws Exception {
    STUB.script(
        "html503",
        ex ->
            ex.respond(
                503,
                "text/html",
                "<html><body><h1>503 Service Temporarily Unavailable</h1>nginx</body></html>",
                Map.of()));

    HttpResponse<String> response = client.post("v1/chat/completions", body("mock:html503"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("json");
    JsonObject error = parse(response.body()).getJsonObject("error");
    assertThat(error.getString("message")).contains("503").doesNotContain("<html");
  }

  @Test
  void reportsARefusedConnectionWithoutTheUpstreamUrl() throws Exception {
    HttpResponse<String> buffered = client.post("v1/chat/completions", body("down:anything"));
    HttpResponse<String> streamed =
        client.post("v1/chat/completions", streamBody("down:anything"));

    for (HttpResponse<String> response : List.of(buffered, streamed)) {
      assertThat(response.statusCode()).isEqualTo(502);
      String message = parse(response.body()).getJsonObject("error").getString("message");
      assertThat(message).contains("down").doesNotContain("127.0.0.1").doesNotContain(":9");
    }
  }

  @Test
  void answers504WhenTheUpstreamSendsNoHeadersInTime() throws Exception {
    STUB.script("slow", ex -> StubUpstream.pause(Duration.ofSeconds(6)));

    HttpResponse<String> response = client.post("v1/chat/completions", body("mock:slow"));

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(parse(response.body()).getJsonObject("error").getString("type"))
        .isEqualTo("upstream_timeout");
  }

  @Test
  void endsAStalledStreamWithAnErrorEvent() throws Exception {
    STUB.script(
        "stall",
        ex -> {
          ex.event(StubUpstream.contentChunk("chatcmpl-stall", "stall", "partial"));
          StubUpstream.pause(Duration.ofSeconds(8));
        });

    ProxyClient.Stream stream = client.stream(streamBody("mock:stall"));

    assertThat(stream.content()).isEqualTo("partial");
    ProxyClient.Line last = stream.data().get(stream.data().size() - 1);
    assertThat(last.json().getJsonObject("error").getString("type")).isEqualTo("upstream_timeout");
    assertThat(stream.data()).noneMatch(l -> l.data().equals("[DONE]"));
  }

  private static String body(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static String streamBody(String model) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }
}
