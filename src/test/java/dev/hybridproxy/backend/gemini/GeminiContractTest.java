package dev.hybridproxy.backend.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.backend.BackendContractTest;
import dev.hybridproxy.backend.FixtureUpstream.Recorded;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

class GeminiContractTest extends BackendContractTest {
  static final String KEY = "AIzaSyFAKE-contract-test-key-000000000000";

  @Override
  protected String provider() {
    return "gemini";
  }

  @Override
  protected Backend adapter(URI upstreamBase, Duration timeout) {
    return new GeminiBackend(
        settings(upstreamBase, timeout),
        http,
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  static BackendSettings settings(URI upstreamBase, Duration timeout) {
    return new BackendSettings(
        "gemini",
        "gemini",
        upstreamBase,
        Optional.of(KEY),
        timeout,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  @Override
  protected String model() {
    return "gemini-2.0-flash";
  }

  @Override
  protected String reasoningModel() {
    return "gemini-2.5-flash";
  }

  @Override
  protected String expectedTarget(Call call) {
    return switch (call) {
      case BUFFERED -> "/v1beta/models/gemini-2.0-flash:generateContent";
      case STREAMING -> "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse";
      case REASONING -> "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
      case MODELS -> "/v1beta/models?pageSize=1000";
    };
  }

  @Override
  protected void assertAuthenticated(Recorded request) {
    assertThat(request.header("x-goog-api-key")).isEqualTo(KEY);
    assertThat(request.query() == null ? "" : request.query()).doesNotContain("key=");
  }

  @Override
  protected String secret() {
    return KEY;
  }

  @Override
  protected String tick(Leg leg) {
    return "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"tick \"}],\"role\":"
        + " \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.0-flash\",\"responseId\":"
        + " \"1Xz3aOeqHYyJvdIPmJ2o4Q8\"}\r\n\r\n";
  }

  @Override
  protected boolean marksTheEndOfAnAnswer() {
    return false; // streamGenerateContent ends with the body
  }

  @Override
  protected List<String> expectedModels() {
    return List.of("gemini-2.5-flash", "gemini-2.0-flash");
  }

  @Override
  protected String streamErrorMessage() {
    return "An internal error has occurred. Please retry or report in"
        + " https://developers.generativeai.google/guide/troubleshooting";
  }

  @Override
  protected int serverErrorStatus() {
    return 503;
  }
}
