package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test server's YAML configuration file (src/test/liberty/config.yaml, named by CONFIG_FILE in
 * server.env) reaches the running proxy: a backend declared in it, its model aliases (SPEC 4.3),
 * and environment variables ranking above it (SPEC 9).
 */
@ExtendWith(ArquillianExtension.class)
class ConfigSurfacesIT {
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

  private static String body(String model, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static void reply(StubUpstream.Exchange ex, String model, String text)
      throws java.io.IOException {
    if (ex.body.getBoolean("stream", false)) {
      ex.event(StubUpstream.contentChunk("chatcmpl-" + model, model, text));
      ex.event(StubUpstream.finishChunk("chatcmpl-" + model, model));
      ex.event("[DONE]");
      ex.end();
    } else {
      ex.json(
          200,
          "{\"id\":\"chatcmpl-"
              + model
              + "\",\"object\":\"chat.completion\",\"created\":1755137933,\"model\":\""
              + model
              + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
              + text
              + "\"},\"finish_reason\":\"stop\"}]}");
    }
  }

  @Test
  void aBackendDeclaredInTheYamlFileServesWithItsKey() throws Exception {
    STUB.script("yaml-model", ex -> reply(ex, "yaml-model", "From YAML"));

    HttpResponse<String> response =
        client.post("v1/chat/completions", body("yaml:yaml-model", false));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(parse(response.body()).getJsonArray("choices").getJsonObject(0)
            .getJsonObject("message").getString("content"))
        .isEqualTo("From YAML");
    List<StubUpstream.Exchange> upstream = STUB.requests("yaml-model");
    assertThat(upstream).hasSize(1);
    assertThat(upstream.get(0).header("Authorization"))
        .isEqualTo("Bearer sk-it-yaml-FAKE-00000000000000");
  }

  @Test
  void aLiteralAliasRoutesAndTheAnswerNamesTheAlias() throws Exception {
    STUB.script("aliased", ex -> reply(ex, "aliased", "Aliased"));
    int before = STUB.requests("aliased").size();

    HttpResponse<String> buffered = client.post("v1/chat/completions", body("it-coder", false));
    ProxyClient.Stream streamed = client.stream(body("it-coder", true));

    assertThat(buffered.statusCode()).isEqualTo(200);
    JsonObject answer = parse(buffered.body());
    assertThat(answer.getString("model")).isEqualTo("it-coder");
    assertThat(answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
            .getString("content"))
        .isEqualTo("Aliased");
    assertThat(streamed.content()).isEqualTo("Aliased");
    assertThat(streamed.chunks()).allSatisfy(c -> assertThat(c.getString("model")).isEqualTo("it-coder"));
    List<StubUpstream.Exchange> upstream = STUB.requests("aliased");
    assertThat(upstream).hasSize(before + 2);
    assertThat(upstream.get(before).body.getString("model")).isEqualTo("aliased");
  }

  @Test
  void aRegexAliasSubstitutesItsGroup() throws Exception {
    STUB.script("grouped", ex -> reply(ex, "grouped", "Grouped"));

    HttpResponse<String> response =
        client.post("v1/chat/completions", body("it-regex-grouped", false));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(parse(response.body()).getString("model")).isEqualTo("it-regex-grouped");
    assertThat(STUB.requests("grouped")).isNotEmpty();
  }

  @Test
  void anAliasMayNameAHybridPair() throws Exception {
    STUB.script(
        "r-aliased",
        ex -> {
          ex.event(
              "{\"id\":\"r\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"r\","
                  + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Think first.\"},"
                  + "\"finish_reason\":null}]}");
          ex.event(StubUpstream.contentChunk("r", "r", "the reasoner's own answer"));
          ex.event(StubUpstream.finishChunk("r", "r"));
          ex.event("[DONE]");
          ex.end();
        });
    STUB.script("x-aliased", ex -> reply(ex, "x-aliased", "Executed"));

    HttpResponse<String> response = client.post("v1/chat/completions", body("it-hybrid", false));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Hybrid-Reasoning")).contains("used");
    JsonObject answer = parse(response.body());
    assertThat(answer.getString("model")).isEqualTo("it-hybrid");
    JsonObject message = answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertThat(message.getString("content")).isEqualTo("Executed");
    assertThat(message.getString("reasoning_content")).isEqualTo("Think first.");
  }

  @Test
  void anAliasedRequestIsCountedUnderTheBackendItWentTo() throws Exception {
    STUB.script("via-alias", ex -> reply(ex, "via-alias", "Counted"));

    HttpResponse<String> response = client.post("v1/chat/completions", body("it-layered", false));

    assertThat(response.statusCode()).isEqualTo(200);
    String metrics =
        ProxyClient.presenting(java.net.URI.create(base.toString()).resolve("/").toURL())
            .get("metrics")
            .body();
    assertThat(metrics)
        .containsPattern(
            "proxy_requests_total\\{[^}]*backend=\"layered\"[^}]*status=\"200\"[^}]*\\} [1-9]");
  }

  @Test
  void listsTheYamlBackendsAndTheLiteralAliases() throws Exception {
    HttpResponse<String> response = client.get("v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> ids =
        parse(response.body()).getJsonArray("data").stream()
            .map(v -> v.asJsonObject().getString("id"))
            .toList();
    assertThat(ids)
        .contains("yaml:from-yaml-1", "yaml:from-yaml-2", "it-coder", "it-hybrid")
        .doesNotContain("it-regex-(.+)");
  }

  @Test
  void theEnvironmentRanksAboveTheYamlFile() throws Exception {
    List<String> ids =
        parse(client.get("v1/models").body()).getJsonArray("data").stream()
            .map(v -> v.asJsonObject().getString("id"))
            .toList();

    assertThat(ids).contains("layered:from-env").doesNotContain("layered:from-yaml");
  }
}
