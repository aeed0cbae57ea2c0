package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Wrong configuration never starts a half-working server (SPEC 9): a deployment whose settings hold
 * an invalid alias refuses every API request with 503 naming the rule, and readiness is DOWN with
 * the same reason while it is deployed.
 */
@ExtendWith(ArquillianExtension.class)
class MisconfiguredIT {
  private static final String REASON = "model_aliases rule 1 'co(der=mock:x'";

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.configured("misconfigured-it.war", "model_aliases=[\"co(der=mock:x\"]");
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
  void refusesEveryRequestNamingTheBadSetting() throws Exception {
    HttpResponse<String> chat =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"mock:x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    HttpResponse<String> models = client.get("v1/models");

    for (HttpResponse<String> response : java.util.List.of(chat, models)) {
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(parse(response.body()).getJsonObject("error").getString("message"))
          .startsWith("The proxy is not configured: ")
          .contains(REASON, "invalid regular expression");
    }
  }

  @Test
  void readinessIsDownWithTheReason() throws Exception {
    HttpResponse<String> ready =
        new ProxyClient(java.net.URI.create(base.toString()).resolve("/").toURL()).get("health/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    JsonObject health = parse(ready.body());
    assertThat(health.getString("status")).isEqualTo("DOWN");
    assertThat(
            health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> c.getString("status").equals("DOWN"))
                .map(c -> c.getJsonObject("data").getString("reason", ""))
                .toList())
        .anySatisfy(reason -> assertThat(reason).contains(REASON));
  }
}
