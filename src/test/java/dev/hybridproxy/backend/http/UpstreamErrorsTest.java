package dev.hybridproxy.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamErrorsTest {

  @ParameterizedTest(name = "upstream {0} -> client {1} {2}")
  @CsvSource({
    "400, 400, invalid_request_error",
    "401, 502, upstream_error",
    "403, 502, upstream_error",
    "404, 404, invalid_request_error",
    "408, 504, upstream_timeout",
    "409, 400, invalid_request_error",
    "413, 413, invalid_request_error",
    "422, 400, invalid_request_error",
    "429, 429, rate_limit_error",
    "500, 502, upstream_error",
    "502, 502, upstream_error",
    "503, 502, upstream_error",
    "504, 504, upstream_timeout",
    "529, 502, upstream_error",
  })
  void mapsEachUpstreamStatusToOneClientStatus(int upstream, int client, String type) {
    ProxyException error = UpstreamErrors.fromStatus("mock", upstream, "", null, null);

    assertThat(error.status()).isEqualTo(client);
    assertThat(error.type()).isEqualTo(type);
  }

  @Test
  void keepsTheMessageCodeAndParamOfAnOpenAiErrorEnvelope() {
    String body =
        "{\"error\":{\"code\":\"unsupported_parameter\",\"message\":\"Unsupported parameter:"
            + " 'max_tokens' is not supported with this model. Use 'max_completion_tokens'"
            + " instead.\",\"param\":\"max_tokens\",\"type\":\"invalid_request_error\"}}";

    ProxyException error = UpstreamErrors.fromStatus("openai", 400, body, null, null);

    assertThat(error.getMessage()).startsWith("Unsupported parameter: 'max_tokens'");
    assertThat(error.code()).isEqualTo("unsupported_parameter");
    assertThat(error.param()).contains("max_tokens");
  }

  @Test
  void readsTheMessageOfAnAnthropicErrorEnvelope() {
    String body =
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

    ProxyException error = UpstreamErrors.fromStatus("anthropic", 529, body, null, null);

    assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
    assertThat(error.getMessage()).isEqualTo("Overloaded");
  }

  @Test
  void keepsRetryAfterOnlyForRateLimits() {
    assertThat(UpstreamErrors.fromStatus("m", 429, "", "12", null).retryAfter()).contains("12");
    assertThat(UpstreamErrors.fromStatus("m", 503, "", "12", null).retryAfter()).isEmpty();
  }

  @Test
  void describesAnHtmlErrorPageWithoutEchoingIt() {
    ProxyException error =
        UpstreamErrors.fromStatus(
            "mock", 503, "<html><body>503 Service Unavailable</body></html>", null, null);

    assertThat(error.getMessage()).isEqualTo("Backend 'mock' answered HTTP 503");
  }

  @Test
  void blamesTheProxyCredentialsOnAnUpstream401() {
    String body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc***xyz\"}}";

    ProxyException error =
        UpstreamErrors.fromStatus("openai", 401, body, null, "sk-abc-secret-xyz");

    assertThat(error.getMessage())
        .contains("rejected the proxy's credentials")
        .doesNotContain("sk-");
  }

  @Test
  void redactsTheBackendKeyFromAnUpstreamMessage() {
    String body = "{\"error\":{\"message\":\"key sk-live-1234567890 is over quota\"}}";

    ProxyException error =
        UpstreamErrors.fromStatus("openai", 400, body, null, "sk-live-1234567890");

    assertThat(error.getMessage()).isEqualTo("key *** is over quota");
  }

  @Test
  void readsTheStatusOfAGeminiErrorEnvelopeAsItsCode() {
    String body =
        "{\"error\":{\"code\":400,\"message\":\"* GenerateContentRequest.contents: contents is"
            + " not specified\\n\",\"status\":\"INVALID_ARGUMENT\"}}";

    ProxyException error = UpstreamErrors.fromStatus("gemini", 400, body, null, null);

    assertThat(error.getMessage()).startsWith("* GenerateContentRequest.contents");
    assertThat(error.code()).isEqualTo("invalid_argument");
  }

  @Test
  void takesRetryAfterFromGeminiRetryInfoWhenNoHeaderCame() {
    String body =
        "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\","
            + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
            + "\"retryDelay\":\"7.2s\"}]}}";

    assertThat(UpstreamErrors.fromStatus("gemini", 429, body, null, null).retryAfter())
        .contains("8");
    assertThat(UpstreamErrors.fromStatus("gemini", 429, body, "3", null).retryAfter())
        .contains("3");
  }

  @Test
  void hidesTheBackendsKeyAndAddressWhenTheUpstreamRepeatsThem() {
    UpstreamErrors.Hidden hidden =
        new UpstreamErrors.Hidden(
            "sk-live-1234567890", java.net.URI.create("http://llm-gw.corp.example:8443/v1"));
    String echo =
        "Key sk-live-1234567890 refused at http://LLM-GW.corp.example:8443/v1/chat/completions"
            + " (llm-gw.corp.example)";

    ProxyException status =
        UpstreamErrors.fromStreamError("gw", jakarta.json.Json.createValue(echo), hidden);

    assertThat(status.getMessage())
        .isEqualTo("Key *** refused at http://[upstream]/v1/chat/completions ([upstream])");
  }
}
