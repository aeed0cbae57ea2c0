package dev.hybridproxy.engine;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps {@code id}, {@code created} and {@code model} the same on every chunk of one response:
 * {@code model} is what the client asked for, {@code id} and {@code created} those of the first
 * chunk that carried them (or generated ones when none did). A chunk that kept its upstream text
 * ({@link SourcedJsonObject}) gets only those values edited in that text.
 */
public final class ChunkIdentity {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private final JsonString model;
  private JsonString id;
  private JsonNumber created;

  public ChunkIdentity(String clientModel) {
    this.model = JSON.createValue(clientModel);
  }

  /** Fixed identity, for responses the proxy assembles itself. */
  public ChunkIdentity(String clientModel, String id, long created) {
    this(clientModel);
    this.id = JSON.createValue(id);
    this.created = JSON.createValue(created);
  }

  public JsonObject apply(JsonObject chunk) {
    if (id == null && chunk.get("id") instanceof JsonString upstreamId) {
      id = upstreamId;
    }
    if (created == null && chunk.get("created") instanceof JsonNumber upstreamCreated) {
      created = upstreamCreated;
    }
    Map<String, JsonValue> changes = new LinkedHashMap<>(4);
    put(changes, chunk, "model", model);
    put(changes, chunk, "id", id);
    put(changes, chunk, "created", created);
    if (changes.isEmpty()) {
      return chunk;
    }
    if (chunk instanceof SourcedJsonObject sourced) {
      Optional<JsonObject> edited = sourced.with(changes);
      if (edited.isPresent()) {
        return edited.get();
      }
    }
    JsonObjectBuilder builder = JSON.createObjectBuilder(chunk);
    put(builder, chunk, "id", id);
    put(builder, chunk, "created", created);
    builder.add("model", model);
    return builder.build();
  }

  private static void put(
      Map<String, JsonValue> changes, JsonObject chunk, String key, JsonValue value) {
    if (value != null && !value.equals(chunk.get(key))) {
      changes.put(key, value);
    }
  }

  private static void put(
      JsonObjectBuilder builder, JsonObject chunk, String key, JsonValue value) {
    if (value != null && !value.equals(chunk.get(key))) {
      builder.add(key, value);
    }
  }

  public String id() {
    return id == null ? null : id.getString();
  }

  public long created() {
    return created == null ? 0 : created.longValue();
  }
}
