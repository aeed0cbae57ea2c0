package dev.hybridproxy.backend.qwen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.backend.BackendContractTest;
import dev.hybridproxy.backend.FixtureUpstream.Recorded;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** qwen-oauth: the openai protocol with a valid token from the Qwen CLI's credentials file. */
class QwenOAuthContractTest extends BackendContractTest {
  static final Instant NOW = Instant.parse("2025-10-01T12:00:00Z");
  static final String ACCESS = "qwen-FAKE-access-token-contract-000000000000";

  @TempDir Path home;

  @Override
  protected String provider() {
    return "qwen-oauth";
  }

  @Override
  protected Backend adapter(URI upstreamBase, Duration timeout) throws Exception {
    Path credentials = home.resolve("oauth_creds.json");
    Files.writeString(
        credentials,
        "{\"access_token\":\""
            + ACCESS
            + "\",\"token_type\":\"Bearer\",\"refresh_token\":\"qwen-FAKE-refresh-token-contract\","
            + "\"expiry_date\":"
            + NOW.plusSeconds(3600).toEpochMilli()
            + "}");
    return new QwenOAuthBackend(
        settings(upstreamBase, timeout, credentials), http, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static BackendSettings settings(URI upstreamBase, Duration timeout, Path credentials) {
    return new BackendSettings(
        "qwen-oauth",
        "qwen-oauth",
        URI.create(upstreamBase + "/v1"),
        Optional.empty(),
        timeout,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(
            new BackendSettings.OAuth(
                credentials,
                URI.create(upstreamBase + "/api/v1/oauth2/token"),
                "f0304373b74a44d2b584a3fb70ca9e56")));
  }

  @Override
  protected String model() {
    return "qwen3-coder-plus";
  }

  @Override
  protected String expectedTarget(Call call) {
    return call == Call.MODELS ? "/v1/models" : "/v1/chat/completions";
  }

  @Override
  protected void assertAuthenticated(Recorded request) {
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ACCESS);
  }

  @Override
  protected String secret() {
    return ACCESS;
  }

  @Override
  protected String tick(Leg leg) {
    return "data: {\"choices\":[{\"delta\":{\"content\":\" tick\"},\"finish_reason\":null,\"index\":0,"
        + "\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,"
        + "\"created\":1759320000,\"system_fingerprint\":null,\"model\":\"qwen3-coder-plus\","
        + "\"id\":\"chatcmpl-6f1c3b3e-FAKE-4b7e-8a2b-3c4d5e6f7a8b\"}\n\n";
  }

  @Override
  protected List<String> expectedModels() {
    return QwenOAuthBackend.DEFAULT_MODELS;
  }

  @Override
  protected String streamErrorMessage() {
    return "Request timed out, please try again later.";
  }

  @Override
  protected boolean signalsReasoningEnd() {
    return false;
  }
}
