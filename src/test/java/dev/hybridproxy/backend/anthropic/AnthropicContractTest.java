package dev.hybridproxy.backend.anthropic;

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

class AnthropicContractTest extends BackendContractTest {
  static final String KEY = "sk-ant-api03-FAKE-contract-test-key-0000000000";

  @Override
  protected String provider() {
    return "anthropic";
  }

  @Override
  protected Backend adapter(URI upstreamBase, Duration timeout) {
    return new AnthropicBackend(
        settings(upstreamBase, timeout),
        http,
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  static BackendSettings settings(URI upstreamBase, Duration timeout) {
    return new BackendSettings(
        "claude",
        "anthropic",
        URI.create(upstreamBase + "/v1"),
        Optional.of(KEY),
        timeout,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  @Override
  protected String model() {
    return "claude-sonnet-4-5";
  }

  @Override
  protected String expectedTarget(Call call) {
    return call == Call.MODELS ? "/v1/models?limit=1000" : "/v1/messages";
  }

  @Override
  protected void assertAuthenticated(Recorded request) {
    assertThat(request.header("x-api-key")).isEqualTo(KEY);
    assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(request.header("Authorization")).isNull();
  }

  @Override
  protected String secret() {
    return KEY;
  }

  @Override
  protected String tick(Leg leg) {
    return "event: ping\ndata: {\"type\": \"ping\"}\n\n";
  }

  @Override
  protected List<String> expectedModels() {
    return List.of(
        "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022");
  }

  @Override
  protected String streamErrorMessage() {
    return "Overloaded";
  }

  @Override
  protected int serverErrorStatus() {
    return 529;
  }
}
