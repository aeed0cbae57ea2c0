package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input always gets a 4xx OpenAI error envelope naming the problem: never a 500, never HTML. */
@ExtendWith(ArquillianExtension.class)
class BadInputIT {
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

  private static JsonObject error(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/json");
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      JsonObject error = reader.readObject().getJsonObject("error");
      assertThat(error.keySet()).contains("message", "type", "param", "code");
      return error;
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed JSON | {\"model\": \"mock:x\", | 400 | We could not parse the JSON body",
        "not an object | \"hello\" | 400 | must be a JSON object",
        "missing model | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | Missing required parameter: 'model'",
        "missing messages | {\"model\":\"mock:x\"} | 400 | Missing required parameter: 'messages'",
        "messages of wrong type | {\"model\":\"mock:x\",\"messages\":{\"role\":\"user\"}} | 400 | Invalid type for 'messages'",
        "stream of wrong type | {\"model\":\"mock:x\",\"stream\":1,\"messages\":[{\"role\":\"user\"}]} | 400 | Invalid type for 'stream'",
        "unknown backend | {\"model\":\"nope:x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | Backend 'nope' is not configured. Configured backends: ",
        "bare model without default | {\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | names no backend",
        "bad URI parameter | {\"model\":\"mock:x?temperature=9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | Invalid value '9' for model parameter 'temperature'",
      })
  void rejectsBadRequestBodies(String name, String body, int status, String message)
      throws Exception {
    for (boolean stream : new boolean[] {false, true}) {
      String sent = stream && body.startsWith("{\"model\":\"") ? body.replaceFirst("\\{", "{\"stream\":true,") : body;
      HttpResponse<String> response = client.post("v1/chat/completions", sent);

      assertThat(response.statusCode()).as(name).isEqualTo(status);
      assertThat(error(response).getString("message")).contains(message);
    }
  }

  @Test
  void rejectsABodyOverTheSizeLimitWith413() throws Exception {
    String huge =
        "{\"model\":\"mock:x\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "a".repeat(11 * 1024 * 1024)
            + "\"}]}";

    HttpResponse<String> response = client.post("v1/chat/completions", huge);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response).getString("message")).contains("max_request_bytes");
  }

  @Test
  void rejectsAnEmptyBody() throws Exception {
    HttpResponse<String> response = client.post("v1/chat/completions", "");

    assertThat(response.statusCode()).isEqualTo(400);
    error(response);
  }

  @Test
  void answersAnUnknownPathWithA404Envelope() throws Exception {
    HttpResponse<String> response = client.get("v1/embeddingz");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void answersAWrongMethodWithA405Envelope() throws Exception {
    HttpResponse<String> response = client.get("v1/chat/completions");

    assertThat(response.statusCode()).isEqualTo(405);
    error(response);
  }

  @Test
  void acceptsAClientThatSendsNoContentType() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(client.uri("v1/chat/completions"))
                    .timeout(Duration.ofSeconds(10))
                    .header("x-api-key", ProxyClient.CLIENT_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"nope:x\",\"messages\":[{\"role\":\"user\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).getString("code")).isEqualTo("backend_not_configured");
  }
}
