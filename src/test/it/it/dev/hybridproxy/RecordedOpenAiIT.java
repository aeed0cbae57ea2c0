package it.dev.hybridproxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every recorded OpenAI exchange (shared/fixtures/recorded-openai) replayed through the plain proxy:
 * the upstream must receive exactly the client's request, and the client must get exactly what the
 * upstream sent (only {@code model} says what the client asked for).
 */
@ExtendWith(ArquillianExtension.class)
class RecordedOpenAiIT {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/openai-recorded");
  private static WireMockServer wireMock;

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeAll
  static void startUpstream() {
    wireMock =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(Integer.getInteger("it.wiremock.port")));
    wireMock.start();
  }

  @AfterAll
  static void stopUpstream() {
    wireMock.stop();
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
    wireMock.resetAll();
  }

  /** One recorded request/response pair. */
  record Recording(String file, String requestBody, int status, String contentType, String body) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Recording> recordings() throws IOException {
    List<Recording> recordings = new ArrayList<>();
    try (Stream<Path> files = Files.list(FIXTURES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        Load load = new Load(LoadSettings.builder().build());
        try (InputStream in = Files.newInputStream(file)) {
          @SuppressWarnings("unchecked")
          Map<String, Object> cassette = (Map<String, Object>) load.loadFromInputStream(in);
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> interactions =
              (List<Map<String, Object>>) cassette.get("interactions");
          for (Map<String, Object> interaction : interactions) {
            @SuppressWarnings("unchecked")
            Map<String, Object> request = (Map<String, Object>) interaction.get("request");
            @SuppressWarnings("unchecked")
            Map<String, Object> response = (Map<String, Object>) interaction.get("response");
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers =
                (Map<String, List<String>>) response.get("headers");
            String contentType =
                headers.getOrDefault("Content-Type", List.of("application/json")).get(0);
            recordings.add(
                new Recording(
                    file.getFileName().toString(),
                    (String) request.get("body"),
                    ((Number) response.get("code")).intValue(),
                    contentType,
                    (String) response.get("body")));
          }
        }
      }
    }
    return recordings.stream();
  }

  private static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  private static String clientBody(Recording recording) {
    JsonObject recorded = json(recording.requestBody());
    return Json.createObjectBuilder(recorded)
        .add("model", "recorded:" + recorded.getString("model"))
        .build()
        .toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordings")
  void replaysTheRecordedExchangeFaithfully(Recording recording) throws Exception {
    JsonObject recordedRequest = json(recording.requestBody());
    String clientModel = "recorded:" + recordedRequest.getString("model");
    wireMock.stubFor(
        post(urlEqualTo("/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withStatus(recording.status())
                    .withHeader("Content-Type", recording.contentType())
                    .withBody(recording.body())));
    boolean streaming = recordedRequest.getBoolean("stream", false);
    boolean rejectedByProxy =
        recordedRequest.getJsonArray("messages") == null
            || recordedRequest.getJsonArray("messages").isEmpty();

    if (streaming) {
      ProxyClient.Stream stream = client.stream(clientBody(recording));
      assertThat(stream.response().statusCode()).isEqualTo(200);
      List<String> recordedEvents =
          recording.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
      List<String> received = stream.data().stream().map(ProxyClient.Line::data).toList();
      assertThat(received).hasSameSizeAs(recordedEvents);
      for (int i = 0; i < recordedEvents.size(); i++) {
        if (recordedEvents.get(i).equals("[DONE]")) {
          assertThat(received.get(i)).isEqualTo("[DONE]");
        } else {
          JsonObject expected =
              Json.createObjectBuilder(json(recordedEvents.get(i))).add("model", clientModel).build();
          assertThat(json(received.get(i))).isEqualTo(expected);
        }
      }
    } else {
      HttpResponse<String> response = client.post("v1/chat/completions", clientBody(recording));
      assertThat(response.statusCode()).isEqualTo(recording.status());
      JsonObject answer = json(response.body());
      if (recording.status() == 200) {
        assertThat(answer)
            .isEqualTo(Json.createObjectBuilder(json(recording.body())).add("model", clientModel).build());
      } else {
        JsonObject error = answer.getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        if (!rejectedByProxy) {
          assertThat(error.getString("message"))
              .isEqualTo(json(recording.body()).getJsonObject("error").getString("message"));
        }
      }
    }
    if (!rejectedByProxy) {
      wireMock.verify(
          1,
          postRequestedFor(urlEqualTo("/v1/chat/completions"))
              .withHeader("Authorization", equalTo("Bearer sk-it-recorded-000000000000000"))
              .withRequestBody(equalToJson(recording.requestBody())));
    } else {
      assertThat(wireMock.getAllServeEvents()).isEmpty();
    }
  }
}
