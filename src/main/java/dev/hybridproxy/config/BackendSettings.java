package dev.hybridproxy.config;

import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * @param responsesModels {@code openai} type: models whose reasoning leg takes the Responses API
 *     (reasoning summaries); empty for none
 * @param oauth {@code qwen-oauth} type: where the tokens live and how they are refreshed
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
    Optional<JsonObject> executionParams,
    Optional<Pattern> responsesModels,
    Optional<OAuth> oauth) {

  public BackendSettings {
    models = List.copyOf(models);
  }

  /** A backend without the type-specific settings. */
  public BackendSettings(
      String name,
      String type,
      URI apiUrl,
      Optional<String> apiKey,
      Duration timeout,
      List<String> models,
      Optional<Boolean> systemMessages,
      Optional<JsonObject> reasoningParams,
      Optional<JsonObject> executionParams) {
    this(
        name,
        type,
        apiUrl,
        apiKey,
        timeout,
        models,
        systemMessages,
        reasoningParams,
        executionParams,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * OAuth tokens kept by a CLI in a credentials file (SPEC §3.2).
   *
   * @param credentialsFile the file, e.g. {@code ~/.qwen/oauth_creds.json}
   * @param tokenUrl where a refresh token is exchanged for a new access token
   * @param clientId the OAuth client the tokens were issued to
   */
  public record OAuth(Path credentialsFile, URI tokenUrl, String clientId) {}

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
        + responsesModels.map(p -> ", responsesModels=" + p.pattern()).orElse("")
        + oauth.map(o -> ", credentialsFile=" + o.credentialsFile()).orElse("")
        + "]";
  }
}
