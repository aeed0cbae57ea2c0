package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the execution model's own reasoning away from the client (SPEC §6.4): drops the reasoning
 * keys of every delta or message and removes think blocks from content, one streaming state machine
 * per choice so tags split across chunks are caught. Tool calls and every other field pass through
 * untouched.
 */
final class ExecutionOutputFilter {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final Set<String> REASONING_KEYS =
      Set.of("reasoning_content", "reasoning", "reasoning_details", "thinking");

  private final Map<Integer, ThinkTagFilter> filters = new LinkedHashMap<>();

  /**
   * The chunk as the client may see it, or {@code null} when nothing of it is left to send (every
   * delta empty or all-null, no finish reason, no usage).
   */
  JsonObject chunk(JsonObject chunk) {
    if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
      return chunk;
    }
    boolean changed = false;
    boolean empty = true;
    JsonArrayBuilder filtered = JSON.createArrayBuilder();
    for (JsonValue value : choices) {
      if (!(value instanceof JsonObject choice)) {
        filtered.add(value);
        empty = false;
        continue;
      }
      JsonObject out = choice(choice);
      changed |= out != choice;
      JsonValue finish = out.get("finish_reason");
      boolean finished = finish != null && finish != JsonValue.NULL;
      if (finished
          || !(out.get("delta") instanceof JsonObject delta)
          || delta.values().stream().anyMatch(v -> v != JsonValue.NULL)) {
        empty = false;
      }
      filtered.add(out);
    }
    JsonValue usage = chunk.get("usage");
    if (empty && (usage == null || usage == JsonValue.NULL)) {
      return null;
    }
    return changed ? JSON.createObjectBuilder(chunk).add("choices", filtered).build() : chunk;
  }

  /** Text still held back as a possible tag, per choice index, once the stream has ended. */
  Map<Integer, String> finish() {
    Map<Integer, String> rest = new LinkedHashMap<>();
    filters.forEach(
        (index, filter) -> {
          String text = filter.finish();
          if (!text.isEmpty()) {
            rest.put(index, text);
          }
        });
    filters.clear();
    return rest;
  }

  private JsonObject choice(JsonObject choice) {
    if (!(choice.get("delta") instanceof JsonObject delta)) {
      return choice;
    }
    int index = choice.get("index") instanceof JsonNumber n ? n.intValue() : 0;
    JsonObjectBuilder builder = null;
    for (String key : REASONING_KEYS) {
      if (delta.containsKey(key)) {
        builder = builder == null ? JSON.createObjectBuilder(delta) : builder;
        builder.remove(key);
      }
    }
    JsonValue finish = choice.get("finish_reason");
    boolean finished = finish != null && finish != JsonValue.NULL;
    String original = delta.get("content") instanceof JsonString s ? s.getString() : null;
    if (original != null && (!original.isEmpty() || finished)) {
      ThinkTagFilter filter = filters.computeIfAbsent(index, i -> new ThinkTagFilter());
      String visible = filter.feed(original);
      if (finished) {
        visible += filter.finish();
        filters.remove(index);
      }
      if (!visible.equals(original)) {
        builder = builder == null ? JSON.createObjectBuilder(delta) : builder;
        if (visible.isEmpty()) {
          builder.remove("content");
        } else {
          builder.add("content", visible);
        }
      }
    } else if (finished && filters.containsKey(index)) {
      String rest = filters.remove(index).finish();
      if (!rest.isEmpty()) {
        builder = builder == null ? JSON.createObjectBuilder(delta) : builder;
        builder.add("content", rest);
      }
    }
    return builder == null
        ? choice
        : JSON.createObjectBuilder(choice).add("delta", builder).build();
  }

  /** A non-streaming {@code chat.completion}: every choice's message cleaned the same way. */
  static JsonObject completion(JsonObject completion) {
    if (!(completion.get("choices") instanceof JsonArray choices)) {
      return completion;
    }
    JsonArrayBuilder filtered = JSON.createArrayBuilder();
    for (JsonValue value : choices) {
      if (value instanceof JsonObject choice && choice.get("message") instanceof JsonObject msg) {
        JsonObjectBuilder message = JSON.createObjectBuilder(msg);
        REASONING_KEYS.forEach(message::remove);
        if (msg.get("content") instanceof JsonString content) {
          message.add("content", ThinkTagFilter.filter(content.getString()));
        }
        filtered.add(JSON.createObjectBuilder(choice).add("message", message));
      } else {
        filtered.add(value);
      }
    }
    return JSON.createObjectBuilder(completion).add("choices", filtered).build();
  }
}
