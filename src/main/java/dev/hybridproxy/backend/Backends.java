package dev.hybridproxy.backend;

import dev.hybridproxy.backend.anthropic.AnthropicBackend;
import dev.hybridproxy.backend.gemini.GeminiBackend;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.openai.OpenAiBackend;
import dev.hybridproxy.backend.qwen.QwenOAuthBackend;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import java.time.Clock;

/** The one place where a configured backend type becomes an adapter. */
public final class Backends {
  private Backends() {}

  public static Backend create(BackendSettings settings, UpstreamHttp http) {
    return create(settings, http, Clock.systemUTC());
  }

  public static Backend create(BackendSettings settings, UpstreamHttp http, Clock clock) {
    return switch (settings.type()) {
      case "openai" ->
          new OpenAiBackend(settings, http, OpenAiBackend.Credentials.fixed(settings), clock);
      case "anthropic" -> new AnthropicBackend(settings, http, clock);
      case "gemini" -> new GeminiBackend(settings, http, clock);
      case "qwen-oauth" -> new QwenOAuthBackend(settings, http, clock);
      default ->
          throw new IllegalArgumentException(
              "backends."
                  + settings.name()
                  + ".type: unsupported backend type '"
                  + settings.type()
                  + "' (supported: openai, anthropic, gemini, qwen-oauth)");
    };
  }
}
