package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Plain requests to the anthropic and gemini wire types through the real server: the client
 * speaks Chat Completions, the stub upstream speaks each provider's protocol (recorded-shape
 * fixtures), and both sides are checked.
 */
@ExtendWith(ArquillianExtension.class)
class ProviderProxyIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final Path FIXTURES = Path.of(System.getProperty("it.fixtures.dir"));
  private static final String ANSWER = "Hello! How can I help you today?";

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

  private static String fixture(String provider, String name) {
    try {
      return Files.readString(FIXTURES.resolve(provider).resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject parse(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  private static String request(String model, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
        + ",\"max_tokens\":256,\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise"
        + " assistant.\"},{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
  }

  private static StubUpstream.Exchange last(String model) {
    List<StubUpstream.Exchange> sent = STUB.requests(model);
    assertThat(sent).as("requests for " + model).isNotEmpty();
    return sent.get(sent.size() - 1);
  }

  @Test
  void answersThroughTheAnthropicMessagesApi() throws Exception {
    STUB.script("claude-buffered", ex -> ex.json(200, fixture("anthropic", "plain.response.json")));

    HttpResponse<String> response =
        client.post("v1/chat/completions", request("claude:claude-buffered", false));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject answer = parse(response.body());
    assertThat(answer.getString("model")).isEqualTo("claude:claude-buffered");
    assertThat(
            answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo(ANSWER);
    assertThat(answer.getJsonObject("usage").getInt("total_tokens")).isEqualTo(21);
    StubUpstream.Exchange sent = last("claude-buffered");
    assertThat(sent.path).isEqualTo("/anthropic/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-it-FAKE-00000000000000");
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.header("Authorization")).isNull();
    assertThat(sent.body.getString("system")).isEqualTo("You are a concise assistant.");
    assertThat(sent.body.getInt("max_tokens")).isEqualTo(256);
    assertThat(sent.body).doesNotContainKey("stream");
  }

  @Test
  void streamsThroughTheAnthropicMessagesApi() throws Exception {
    STUB.script(
        "claude-stream",
        ex -> {
          ex.write(fixture("anthropic", "streaming.sse"));
          ex.end();
        });

    ProxyClient.Stream stream = client.stream(request("claude:claude-stream", true));

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.content()).isEqualTo(ANSWER);
    assertEndsWithUsageAndDone(stream, "claude:claude-stream");
    StubUpstream.Exchange sent = last("claude-stream");
    assertThat(sent.path).isEqualTo("/anthropic/v1/messages");
    assertThat(sent.body.getBoolean("stream")).isTrue();
    assertThat(sent.body).doesNotContainKey("stream_options");
  }

  @Test
  void keepsRetryAfterOfAnAnthropicRateLimit() throws Exception {
    STUB.script(
        "claude-limited",
        ex ->
            ex.respond(
                429,
                "application/json",
                fixture("anthropic", "error-429.json"),
                Map.of("retry-after", "17")));

    HttpResponse<String> response =
        client.post("v1/chat/completions", request("claude:claude-limited", true));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).contains("17");
    assertThat(parse(response.body()).getJsonObject("error").getString("type"))
        .isEqualTo("rate_limit_error");
  }

  @Test
  void answersThroughGeminiGenerateContent() throws Exception {
    STUB.script("gemini-buffered", ex -> ex.json(200, fixture("gemini", "plain.response.json")));

    HttpResponse<String> response =
        client.post("v1/chat/completions", request("gem:gemini-buffered", false));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject answer = parse(response.body());
    assertThat(answer.getString("model")).isEqualTo("gem:gemini-buffered");
    assertThat(
            answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo(ANSWER);
    StubUpstream.Exchange sent = last("gemini-buffered");
    assertThat(sent.path).isEqualTo("/gemini/v1beta/models/gemini-buffered:generateContent");
    assertThat(sent.header("x-goog-api-key")).isEqualTo("AIza-it-FAKE-000000000000000");
    assertThat(sent.body.getJsonObject("systemInstruction").toString())
        .contains("You are a concise assistant.");
    assertThat(sent.body.getJsonObject("generationConfig").getInt("maxOutputTokens"))
        .isEqualTo(256);
  }

  @Test
  void streamsThroughGeminiStreamGenerateContent() throws Exception {
    STUB.script(
        "gemini-stream",
        ex -> {
          ex.write(fixture("gemini", "streaming.sse"));
          ex.end();
        });

    ProxyClient.Stream stream = client.stream(request("gem:gemini-stream", true));

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.content()).isEqualTo(ANSWER);
    assertEndsWithUsageAndDone(stream, "gem:gemini-stream");
    StubUpstream.Exchange sent = last("gemini-stream");
    assertThat(sent.path).isEqualTo("/gemini/v1beta/models/gemini-stream:streamGenerateContent");
    assertThat(sent.query).isEqualTo("alt=sse");
  }

  @Test
  void passesAGeminiRequestErrorOnWithItsMessage() throws Exception {
    STUB.script("gemini-bad", ex -> ex.json(400, fixture("gemini", "error-400.json")));

    HttpResponse<String> response =
        client.post("v1/chat/completions", request("gem:gemini-bad", false));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject error = parse(response.body()).getJsonObject("error");
    assertThat(error.getString("message")).contains("contents is not specified");
    assertThat(error.getString("code")).isEqualTo("invalid_argument");
  }

  @Test
  void listsTheStaticModelsOfTheNewBackends() throws Exception {
    HttpResponse<String> response = client.get("v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(
            parse(response.body()).getJsonArray("data").stream()
                .map(v -> v.asJsonObject().getString("id"))
                .toList())
        .contains("claude:claude-it", "gem:gemini-it");
  }

  private static void assertEndsWithUsageAndDone(ProxyClient.Stream stream, String model) {
    List<ProxyClient.Line> data = stream.data();
    assertThat(data.get(data.size() - 1).data()).isEqualTo("[DONE]");
    assertThat(data.stream().filter(l -> l.data().equals("[DONE]"))).hasSize(1);
    List<JsonObject> chunks = stream.chunks();
    JsonObject usage = chunks.get(chunks.size() - 1);
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(usage.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(12);
    assertThat(usage.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(9);
    assertThat(chunks).allSatisfy(c -> assertThat(c.getString("model")).isEqualTo(model));
    assertThat(chunks.stream().map(c -> c.getString("id")).distinct()).hasSize(1);
    assertThat(
            chunks.stream()
                .filter(c -> !c.getJsonArray("choices").isEmpty())
                .map(c -> c.getJsonArray("choices").getJsonObject(0))
                .filter(c -> !c.isNull("finish_reason"))
                .map(c -> c.getString("finish_reason"))
                .toList())
        .containsExactly("stop");
  }
}
