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
 * The planning phase (SPEC 4.4) on a real server. This deployment carries its own settings (see
 * {@link ProxyDeployment#configured}), so the shared test server's other applications are not
 * affected.
 */
@ExtendWith(ArquillianExtension.class)
class PlanningPhaseIT {
  private static final StubUpstream STUB = StubUpstream.get();

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.configured(
        "planning-it.war",
        "default_backend=mock",
        "planning_phase.enabled=true",
        "planning_phase.strong_model=mock:planner",
        "planning_phase.max_turns=2",
        "planning_phase.overrides.temperature=0.1");
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

  private static void reply(StubUpstream.Exchange ex, String model) throws java.io.IOException {
    ex.json(
        200,
        "{\"id\":\"chatcmpl-p\",\"object\":\"chat.completion\",\"created\":1755137933,"
            + "\"model\":\""
            + model
            + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + model
            + "\"},\"finish_reason\":\"stop\"}]}");
  }

  @Test
  void anEarlyRequestWithoutBackendGoesToTheStrongModel() throws Exception {
    STUB.script("planner", ex -> reply(ex, "planner"));
    int before = STUB.requests("planner").size();

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"coder-it\",\"temperature\":0.9,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Plan a parser\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(parse(response.body()).getString("model")).isEqualTo("coder-it");
    List<StubUpstream.Exchange> upstream = STUB.requests("planner");
    assertThat(upstream).hasSize(before + 1);
    assertThat(upstream.get(before).body.getJsonNumber("temperature").doubleValue())
        .isEqualTo(0.1);
  }

  @Test
  void afterTheFirstFileWriteTheDefaultBackendAnswers() throws Exception {
    STUB.script("coder-after", ex -> reply(ex, "coder-after"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"coder-after\",\"temperature\":0.9,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Write it\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"write_file\","
                + "\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"ok\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    StubUpstream.Exchange upstream = STUB.requests("coder-after").get(0);
    assertThat(upstream.body.getJsonNumber("temperature").doubleValue()).isEqualTo(0.9);
  }

  @Test
  void anExplicitBackendIsNeverRedirected() throws Exception {
    STUB.script("explicit", ex -> reply(ex, "explicit"));

    HttpResponse<String> response =
        client.post(
            "v1/chat/completions",
            "{\"model\":\"mock:explicit\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(parse(response.body()).getString("model")).isEqualTo("mock:explicit");
    assertThat(STUB.requests("explicit")).hasSize(1);
  }
}
