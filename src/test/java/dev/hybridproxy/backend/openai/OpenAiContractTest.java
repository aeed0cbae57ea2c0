package dev.hybridproxy.backend.openai;

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
import java.util.regex.Pattern;

/**
 * The openai adapter: Chat Completions passed through for plain calls, the Responses API with
 * reasoning summaries for a reasoning model's reasoning leg.
 */
class OpenAiContractTest extends BackendContractTest {
  static final String KEY = "sk-proj-FAKE-contract-test-key-00000000000000000000";
  static final Pattern REASONING_MODELS =
      Pattern.compile("(?i)(?!.*-chat)(o1|o3|o4|gpt-5)([-.].*)?");

  @Override
  protected String provider() {
    return "openai";
  }

  @Override
  protected Backend adapter(URI upstreamBase, Duration timeout) {
    return new OpenAiBackend(
        settings(upstreamBase, timeout),
        http,
        OpenAiBackend.Credentials.fixed(settings(upstreamBase, timeout)),
        Clock.fixed(Instant.parse("2025-10-01T12:00:00Z"), ZoneOffset.UTC));
  }

  static BackendSettings settings(URI upstreamBase, Duration timeout) {
    return new BackendSettings(
        "openai",
        "openai",
        URI.create(upstreamBase + "/v1"),
        Optional.of(KEY),
        timeout,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(REASONING_MODELS),
        Optional.empty());
  }

  @Override
  protected String model() {
    return "gpt-4o-mini";
  }

  @Override
  protected String reasoningModel() {
    return "o4-mini";
  }

  @Override
  protected String expectedTarget(Call call) {
    return switch (call) {
      case BUFFERED, STREAMING -> "/v1/chat/completions";
      case REASONING -> "/v1/responses";
      case MODELS -> "/v1/models";
    };
  }

  @Override
  protected void assertAuthenticated(Recorded request) {
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Override
  protected String secret() {
    return KEY;
  }

  @Override
  protected String tick(Leg leg) {
    if (leg == Leg.REASONING) {
      return "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
          + "\"sequence_number\":99,\"item_id\":\"msg_68dd1c75\",\"output_index\":1,"
          + "\"content_index\":0,\"delta\":\" tick\",\"logprobs\":[]}\n\n";
    }
    return "data: {\"id\":\"chatcmpl-CLcjWFAKEFAKEFAKE2Yb9aUqE\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1759320000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\" tick\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
  }

  @Override
  protected List<String> expectedModels() {
    return List.of("gpt-4o-mini", "o4-mini", "gpt-5");
  }

  @Override
  protected String streamErrorMessage() {
    return "The server had an error while processing your request. Sorry about that!";
  }
}
