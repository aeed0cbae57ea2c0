package dev.hybridproxy.backend;

import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.openai.OpenAiBackend;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;

/** The one place where a configured backend type becomes an adapter. */
public final class Backends {
  private Backends() {}

  public static Backend create(BackendSettings settings, UpstreamHttp http) {
    return switch (settings.type()) {
      case "openai" -> new OpenAiBackend(settings, http);
      default ->
          throw new IllegalArgumentException(
              "backends."
                  + settings.name()
                  + ".type: unsupported backend type '"
                  + settings.type()
                  + "' (supported: openai)");
    };
  }
}
