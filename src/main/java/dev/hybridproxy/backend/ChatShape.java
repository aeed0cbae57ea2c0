package dev.hybridproxy.backend;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI Chat Completions objects that adapters for other protocols hand to the engine: one
 * instance per answer keeps its {@code id}, {@code created} and {@code model} on every chunk.
 *
 * @param id the upstream's id of the answer
 * @param created epoch seconds
 * @param model the upstream model name
 */
public record ChatShape(String id, long created, String model) {

  /** A {@code chat.completion.chunk} with one choice. */
  public JsonObject chunk(JsonObject delta, String finishReason) {
    JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
    if (finishReason == null) {
      choice.addNull("finish_reason");
    } else {
      choice.add("finish_reason", finishReason);
    }
    return head("chat.completion.chunk")
        .add("choices", Json.createArrayBuilder().add(choice))
        .build();
  }

  /** The closing chunk of {@code stream_options.include_usage}: no choices, only usage. */
  public JsonObject usageChunk(JsonObject usage) {
    return head("chat.completion.chunk")
        .add("choices", JsonValue.EMPTY_JSON_ARRAY)
        .add("usage", usage)
        .build();
  }

  /** A buffered {@code chat.completion} with one choice. */
  public JsonObject completion(JsonObject message, String finishReason, JsonObject usage) {
    JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("message", message);
    if (finishReason == null) {
      choice.addNull("finish_reason");
    } else {
      choice.add("finish_reason", finishReason);
    }
    JsonObjectBuilder completion =
        head("chat.completion").add("choices", Json.createArrayBuilder().add(choice));
    if (usage != null) {
      completion.add("usage", usage);
    }
    return completion.build();
  }

  private JsonObjectBuilder head(String object) {
    return Json.createObjectBuilder()
        .add("id", id)
        .add("object", object)
        .add("created", created)
        .add("model", model);
  }

  /** A delta with one text field ({@code content} or {@code reasoning_content}). */
  public static JsonObject delta(String field, String text) {
    return Json.createObjectBuilder().add(field, text).build();
  }

  /** A delta with one streamed tool call fragment. */
  public static JsonObject toolCallDelta(JsonObject toolCall) {
    return Json.createObjectBuilder()
        .add("tool_calls", Json.createArrayBuilder().add(toolCall))
        .build();
  }

  /** The first fragment of a streamed tool call: its index, id and function name. */
  public static JsonObject toolCallStart(int index, String id, String name) {
    return toolCallDelta(
        Json.createObjectBuilder()
            .add("index", index)
            .add("id", id)
            .add("type", "function")
            .add("function", Json.createObjectBuilder().add("name", name).add("arguments", ""))
            .build());
  }

  /** The system and developer messages' text, joined by blank lines ({@code ""} when none). */
  public static String systemText(JsonArray messages) {
    List<String> parts = new ArrayList<>();
    for (JsonValue value : messages) {
      if (value instanceof JsonObject message && isSystem(message)) {
        String text = text(message.get("content"));
        if (!text.isEmpty()) {
          parts.add(text);
        }
      }
    }
    return String.join("\n\n", parts);
  }

  /** Whether a message is an instruction to the model ({@code system} or {@code developer}). */
  public static boolean isSystem(JsonObject message) {
    String role = message.getString("role", "");
    return role.equals("system") || role.equals("developer");
  }

  /**
   * OpenAI usage from token counts.
   *
   * @param cached prompt tokens served from a cache, or {@code -1} when unknown
   * @param reasoning completion tokens spent on reasoning, or {@code -1} when unknown
   */
  public static JsonObject usage(long prompt, long completion, long cached, long reasoning) {
    JsonObjectBuilder usage =
        Json.createObjectBuilder()
            .add("prompt_tokens", prompt)
            .add("completion_tokens", completion)
            .add("total_tokens", prompt + completion);
    if (cached >= 0) {
      usage.add("prompt_tokens_details", Json.createObjectBuilder().add("cached_tokens", cached));
    }
    if (reasoning >= 0) {
      usage.add(
          "completion_tokens_details",
          Json.createObjectBuilder().add("reasoning_tokens", reasoning));
    }
    return usage.build();
  }

  /** Whether the client asked for the usage chunk ({@code stream_options.include_usage}). */
  public static boolean wantsUsage(JsonObject body) {
    JsonValue options = body.get("stream_options");
    return options instanceof JsonObject object && object.get("include_usage") == JsonValue.TRUE;
  }

  /**
   * A nested object of the client's request, such as a tool call's {@code function}: empty when
   * absent or null, a 400 naming {@code param} when it is anything but an object.
   */
  public static JsonObject objectIn(JsonObject parent, String key, String param) {
    JsonValue value = parent.get(key);
    if (value == null || value == JsonValue.NULL) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw ProxyException.of(
            ErrorKind.INVALID_REQUEST,
            "Invalid type for '" + param + "." + key + "': expected an object.")
        .withParam(param);
  }

  /** The text of a message's {@code content}: a string, or the text parts of an array. */
  public static String text(JsonValue content) {
    if (content instanceof jakarta.json.JsonString string) {
      return string.getString();
    }
    if (content instanceof JsonArray parts) {
      StringBuilder text = new StringBuilder();
      for (JsonValue part : parts) {
        if (part instanceof JsonObject object && "text".equals(object.getString("type", ""))) {
          text.append(object.getString("text", ""));
        }
      }
      return text.toString();
    }
    return "";
  }
}
