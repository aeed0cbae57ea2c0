package dev.hybridproxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The proxy-wide settings, validated once at start-up.
 *
 * @param heartbeatInterval how often a comment keeps an idle stream alive ({@code
 *     sse_heartbeat_interval})
 * @param maxRequestBytes the largest request body accepted ({@code max_request_bytes})
 * @param defaultBackend where bare model names go ({@code default_backend})
 * @param backends every configured backend
 * @param shutdownGracePeriod how long streams in flight may run on when the server stops ({@code
 *     shutdown_grace_period})
 */
public record ProxySettings(
    Duration heartbeatInterval,
    long maxRequestBytes,
    Optional<String> defaultBackend,
    List<BackendSettings> backends,
    Duration shutdownGracePeriod) {

  public ProxySettings {
    backends = List.copyOf(backends);
  }
}
