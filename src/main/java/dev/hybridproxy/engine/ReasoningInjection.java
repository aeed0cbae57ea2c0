package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * Puts tagged reasoning into an execution request's {@code messages} (SPEC §6.2). Works on the raw
 * JSON: the given array is never modified, every message and field it does not touch is carried
 * over as it was.
 */
final class ReasoningInjection {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final String INSTRUCTION = "Consider this reasoning when formulating your response:";

  /** Where the reasoning goes. */
  enum Strategy {
    /** Appended to the first system message, or a new system message at index 0. */
    SYSTEM,
    /** Prefixed to the first user message's text. */
    USER_PREFIX
  }

  private ReasoningInjection() {}

  /**
   * @param messages the client's messages, untouched
   * @param tagged the reasoning already wrapped in the execution backend's tags
   * @param repeat add an assistant turn with the reasoning and repeat the last user message
   */
  static JsonArray inject(JsonArray messages, String tagged, Strategy strategy, boolean repeat) {
    JsonArray injected =
        switch (strategy) {
          case SYSTEM -> system(messages, tagged);
          case USER_PREFIX -> userPrefix(messages, tagged);
        };
    return repeat ? repeat(injected, messages, tagged) : injected;
  }

  private static JsonArray system(JsonArray messages, String tagged) {
    String instruction = INSTRUCTION + "\n\n" + tagged;
    int first = indexOfRole(messages, "system", 0);
    if (first < 0) {
      JsonArrayBuilder out =
          JSON.createArrayBuilder()
              .add(JSON.createObjectBuilder().add("role", "system").add("content", instruction));
      messages.forEach(out::add);
      return out.build();
    }
    JsonObject system = messages.getJsonObject(first);
    JsonValue content = system.get("content");
    JsonValue appended;
    if (content instanceof JsonString text) {
      appended =
          JSON.createValue(
              text.getString().isEmpty() ? instruction : text.getString() + "\n\n" + instruction);
    } else if (content instanceof JsonArray parts) {
      appended = appendToLastTextPart(parts, instruction);
    } else {
      appended = JSON.createValue(instruction);
    }
    return replace(
        messages, first, JSON.createObjectBuilder(system).add("content", appended).build());
  }

  private static JsonArray userPrefix(JsonArray messages, String tagged) {
    int first = indexOfRole(messages, "user", 0);
    if (first < 0) {
      return system(messages, tagged);
    }
    JsonObject user = messages.getJsonObject(first);
    JsonValue content = user.get("content");
    JsonValue prefixed;
    if (content instanceof JsonString text) {
      prefixed = JSON.createValue(tagged + "\n\n" + text.getString());
    } else if (content instanceof JsonArray parts) {
      prefixed = prefixFirstTextPart(parts, tagged);
    } else {
      prefixed = JSON.createValue(tagged);
    }
    return replace(
        messages, first, JSON.createObjectBuilder(user).add("content", prefixed).build());
  }

  /** Repeat mode: an assistant turn with the reasoning, then the client's last user turn again. */
  private static JsonArray repeat(JsonArray injected, JsonArray original, String tagged) {
    int last = -1;
    for (int i = original.size() - 1; i >= 0 && last < 0; i--) {
      if (isRole(original.get(i), "user")) {
        last = i;
      }
    }
    if (last < 0) {
      return injected;
    }
    return JSON.createArrayBuilder(injected)
        .add(JSON.createObjectBuilder().add("role", "assistant").add("content", tagged))
        .add(original.get(last))
        .build();
  }

  private static JsonArray appendToLastTextPart(JsonArray parts, String instruction) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      if (isTextPart(parts.get(i))) {
        JsonObject part = parts.getJsonObject(i);
        String text = part.getString("text");
        String joined = text.isEmpty() ? instruction : text + "\n\n" + instruction;
        return replace(parts, i, JSON.createObjectBuilder(part).add("text", joined).build());
      }
    }
    return JSON.createArrayBuilder(parts).add(textPart(instruction)).build();
  }

  private static JsonArray prefixFirstTextPart(JsonArray parts, String tagged) {
    for (int i = 0; i < parts.size(); i++) {
      if (isTextPart(parts.get(i))) {
        JsonObject part = parts.getJsonObject(i);
        String prefixed = tagged + "\n\n" + part.getString("text");
        return replace(parts, i, JSON.createObjectBuilder(part).add("text", prefixed).build());
      }
    }
    return JSON.createArrayBuilder()
        .add(textPart(tagged))
        .addAll(JSON.createArrayBuilder(parts))
        .build();
  }

  private static JsonObject textPart(String text) {
    return JSON.createObjectBuilder().add("type", "text").add("text", text).build();
  }

  private static boolean isTextPart(JsonValue value) {
    return value instanceof JsonObject part
        && "text".equals(part.getString("type", null))
        && part.get("text") instanceof JsonString;
  }

  private static int indexOfRole(JsonArray messages, String role, int from) {
    for (int i = from; i < messages.size(); i++) {
      if (isRole(messages.get(i), role)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isRole(JsonValue message, String role) {
    return message instanceof JsonObject object && role.equals(object.getString("role", null));
  }

  private static JsonArray replace(JsonArray array, int index, JsonValue value) {
    JsonArrayBuilder out = JSON.createArrayBuilder();
    for (int i = 0; i < array.size(); i++) {
      out.add(i == index ? value : array.get(i));
    }
    return out.build();
  }
}
