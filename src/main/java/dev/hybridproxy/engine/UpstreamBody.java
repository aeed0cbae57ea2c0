package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.Map;

/**
 * Builds the body one upstream call sends from the client's body: every field the proxy does not
 * own passes through untouched; {@code model} becomes the upstream name; presets fill in what the
 * client did not set; URI parameters of the selector win over both.
 */
public final class UpstreamBody {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private UpstreamBody() {}

  /**
   * @param client the client's body, never modified
   * @param ref the model reference of this leg
   * @param presets fields this leg adds unless the client set them (e.g. reasoning switches)
   * @param forced fields this leg sets whatever the client sent
   */
  public static JsonObject of(
      JsonObject client,
      ModelRef ref,
      Map<String, JsonValue> presets,
      Map<String, JsonValue> forced) {
    JsonObjectBuilder builder = JSON.createObjectBuilder(client);
    builder.remove(ChatRequest.PROBABILITY_FIELD);
    presets.forEach(
        (key, value) -> {
          if (!client.containsKey(key)) {
            builder.add(key, value);
          }
        });
    forced.forEach(builder::add);
    ref.params().forEach(builder::add);
    builder.add("model", ref.model());
    return builder.build();
  }

  /** A plain request: the client's body with the model and URI parameters applied. */
  public static JsonObject plain(JsonObject client, ModelRef ref) {
    return of(client, ref, Map.of(), Map.of());
  }
}
