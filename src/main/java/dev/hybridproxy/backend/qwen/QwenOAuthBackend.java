package dev.hybridproxy.backend.qwen;

import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.openai.OpenAiBackend;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.UpstreamRequest;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.List;

/**
 * The {@code qwen-oauth} wire type: the openai protocol, authenticated with the Qwen CLI's OAuth
 * tokens instead of an API key (SPEC §3.2).
 */
public final class QwenOAuthBackend implements Backend {
  /** What Qwen's OAuth endpoint serves, for {@code /v1/models} when no list is configured. */
  static final List<String> DEFAULT_MODELS = List.of("qwen3-coder-plus", "qwen3-coder-flash");

  private final BackendSettings settings;
  private final OpenAiBackend protocol;

  public QwenOAuthBackend(BackendSettings settings, UpstreamHttp http, Clock clock) {
    this.settings = settings;
    this.protocol =
        new OpenAiBackend(settings, http, new QwenCredentials(settings, http, clock), clock);
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    return protocol.complete(request);
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    return protocol.stream(request);
  }

  @Override
  public List<String> models() {
    return settings.models().isEmpty() ? DEFAULT_MODELS : settings.models();
  }
}
