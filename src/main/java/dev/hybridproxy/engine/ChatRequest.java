package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;

/**
 * A client's chat-completions request: the raw JSON body, untouched, plus the few fields the proxy
 * reads. Everything else is forwarded as it came.
 *
 * @param body the request body exactly as parsed
 * @param probabilityHeader the {@code X-Hybrid-Reasoning-Probability} header, if sent
 */
public record ChatRequest(JsonObject body, Optional<String> probabilityHeader) {
  /** Body fields the proxy owns and never forwards upstream. */
  public static final String PROBABILITY_FIELD = "reasoning_injection_probability";

  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

  /** Parses and shape-checks a request body; bad input is a 400 naming the problem. */
  public static ChatRequest parse(byte[] bytes, Optional<String> probabilityHeader) {
    JsonValue value;
    try (JsonReader reader = READERS.createReader(new ByteArrayInputStream(bytes))) {
      value = reader.readValue();
    } catch (JsonParsingException e) {
      throw ProxyException.of(
          ErrorKind.INVALID_REQUEST,
          "We could not parse the JSON body of your request: "
              + e.getMessage()
              + ". The body must be a JSON object.");
    } catch (JsonException e) {
      throw ProxyException.of(
          ErrorKind.INVALID_REQUEST,
          "We could not parse the JSON body of your request. The body must be a JSON object.");
    } catch (NumberFormatException | ArithmeticException e) {
      throw ProxyException.of(
          ErrorKind.INVALID_REQUEST,
          "We could not parse the JSON body of your request: it holds a number that is out of"
              + " range. The body must be a JSON object.");
    } catch (RuntimeException e) {
      // the parser's other refusals (nesting deeper than its limit) come as plain runtime errors
      throw ProxyException.of(
          ErrorKind.INVALID_REQUEST,
          "We could not parse the JSON body of your request: it is nested too deeply or otherwise"
              + " not accepted. The body must be a JSON object.");
    }
    if (!(value instanceof JsonObject body)) {
      throw ProxyException.of(
          ErrorKind.INVALID_REQUEST, "The request body must be a JSON object, got " + kind(value));
    }
    ChatRequest request = new ChatRequest(body, probabilityHeader);
    request.validate();
    return request;
  }

  private void validate() {
    JsonValue model = body.get("model");
    if (model == null || model == JsonValue.NULL) {
      throw missing("model");
    }
    if (model.getValueType() != JsonValue.ValueType.STRING) {
      throw wrongType("model", "a string", model);
    }
    JsonValue messages = body.get("messages");
    if (messages == null || messages == JsonValue.NULL) {
      throw missing("messages");
    }
    if (!(messages instanceof JsonArray array)) {
      throw wrongType("messages", "an array", messages);
    }
    if (array.isEmpty()) {
      throw ProxyException.of(
              ErrorKind.INVALID_REQUEST,
              "Invalid 'messages': empty array. Expected an array with at least one message.")
          .withParam("messages");
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof JsonObject message)) {
        throw wrongType("messages[" + i + "]", "an object", array.get(i));
      }
      JsonValue role = message.get("role");
      if (role == null || role.getValueType() != JsonValue.ValueType.STRING) {
        throw ProxyException.of(
                ErrorKind.INVALID_REQUEST,
                "Invalid 'messages[" + i + "]': every message needs a string 'role'.")
            .withParam("messages[" + i + "].role");
      }
    }
    JsonValue stream = body.get("stream");
    if (stream != null
        && stream != JsonValue.NULL
        && stream != JsonValue.TRUE
        && stream != JsonValue.FALSE) {
      throw wrongType("stream", "a boolean", stream);
    }
    JsonValue probability = body.get(PROBABILITY_FIELD);
    if (probability != null && probability != JsonValue.NULL) {
      if (!(probability instanceof JsonNumber number)
          || number.doubleValue() < 0
          || number.doubleValue() > 1) {
        throw ProxyException.of(
                ErrorKind.INVALID_REQUEST,
                "Invalid '" + PROBABILITY_FIELD + "': expected a number from 0 to 1.")
            .withParam(PROBABILITY_FIELD);
      }
    }
  }

  public String model() {
    return body.getString("model");
  }

  public boolean stream() {
    return body.get("stream") == JsonValue.TRUE;
  }

  public JsonArray messages() {
    return body.getJsonArray("messages");
  }

  private static ProxyException missing(String field) {
    return ProxyException.of(
            ErrorKind.INVALID_REQUEST, "Missing required parameter: '" + field + "'.")
        .withParam(field);
  }

  private static ProxyException wrongType(String field, String expected, JsonValue actual) {
    return ProxyException.of(
            ErrorKind.INVALID_REQUEST,
            "Invalid type for '"
                + field
                + "': expected "
                + expected
                + ", but got "
                + kind(actual)
                + ".")
        .withParam(field);
  }

  private static String kind(JsonValue value) {
    return switch (value.getValueType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case TRUE, FALSE -> "a boolean";
      case NULL -> "null";
    };
  }
}
