package dev.hybridproxy.config;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One configured backend (SPEC §3.1). The key never appears in {@link #toString()}.
 *
 * @param name the name selectors use, lower-case
 * @param type the wire protocol ({@code openai}, {@code anthropic}, {@code gemini}, {@code
 *     qwen-oauth})
 * @param apiUrl the base URL, from configuration only
 * @param apiKey the credential, if the backend needs one
 * @param timeout connect + first byte, and the longest silence inside a stream
 * @param models a static model list for {@code /v1/models}; empty to ask the upstream
 * @param systemMessages whether the backend accepts system messages, when configured explicitly
 * @param reasoningParams fields merged into this backend's reasoning-leg requests
 * @param executionParams fields merged into this backend's execution-leg requests
 */
public record BackendSettings(
    String name,
    String type,
    URI apiUrl,
    Optional<String> apiKey,
    Duration timeout,
    List<String> models,
    Optional<Boolean> systemMessages,
    Optional<JsonObject> reasoningParams,
    Optional<JsonObject> executionParams) {

  public BackendSettings {
    models = List.copyOf(models);
  }

  @Override
  public String toString() {
    return "BackendSettings[name="
        + name
        + ", type="
        + type
        + ", apiUrl="
        + apiUrl
        + ", apiKey="
        + (apiKey.isPresent() ? "(set)" : "(none)")
        + ", timeout="
        + timeout
        + ", models="
        + models
        + "]";
  }
}
