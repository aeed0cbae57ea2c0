package dev.hybridproxy.backend.http;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Turns an upstream error answer into the proxy's error: status through {@link
 * ErrorKind#forUpstreamStatus(int)}, the upstream's own message and code when it sent a JSON error
 * envelope (OpenAI, Anthropic and Gemini shapes), a plain description for anything else (an HTML
 * page is never echoed), without the backend's key or address. {@code Retry-After} is kept for
 * 429s.
 */
public final class UpstreamErrors {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private UpstreamErrors() {}

  /**
   * What an upstream's own error text must never show the client: the backend's credential and its
   * address (host and port, as configured), which upstreams and the gateways in front of them like
   * to repeat.
   *
   * @param secret the credential, or {@code null}
   * @param address the base URL the call went to, or {@code null}
   */
  public record Hidden(String secret, URI address) {

    /** The text with the credential as {@code ***} and the address as {@code [upstream]}. */
    public String from(String text) {
      String out = redact(text, secret);
      if (out == null || address == null || address.getHost() == null) {
        return out;
      }
      if (address.getRawAuthority() != null) {
        out = replaceIgnoringCase(out, address.getRawAuthority());
      }
      return address.getHost().length() < 4 ? out : replaceIgnoringCase(out, address.getHost());
    }

    private static String replaceIgnoringCase(String text, String literal) {
      return Pattern.compile(Pattern.quote(literal), Pattern.CASE_INSENSITIVE)
          .matcher(text)
          .replaceAll("[upstream]");
    }
  }

  /** Reads (a bounded part of) the error body, closes the response and describes the failure. */
  public static ProxyException fromResponse(String backend, Response response, String secret) {
    return fromResponse(backend, response, new Hidden(secret, null));
  }

  /** As above, hiding the backend's credential and address from the message. */
  public static ProxyException fromResponse(String backend, Response response, Hidden hidden) {
    int status = response.getStatus();
    String retryAfter = response.getHeaderString("Retry-After");
    String body;
    try (response) {
      body = readBounded(response);
    } catch (RuntimeException | IOException e) {
      body = "";
    }
    return describe(backend, status, body, retryAfter, hidden);
  }

  /** The status table applied to an error answer already read. */
  public static ProxyException fromStatus(
      String backend, int status, String body, String retryAfter, String secret) {
    return describe(backend, status, body, retryAfter, new Hidden(secret, null));
  }

  private static ProxyException describe(
      String backend, int status, String body, String retryAfter, Hidden hidden) {
    ErrorKind kind = ErrorKind.forUpstreamStatus(status);
    JsonObject error = errorObject(body);
    String upstreamMessage = error == null ? null : text(error, "message");
    String message;
    if (status == 401 || status == 403) {
      message =
          "Backend '"
              + backend
              + "' rejected the proxy's credentials (HTTP "
              + status
              + "); check its configured API key";
    } else if (upstreamMessage != null && !upstreamMessage.isBlank()) {
      message = hidden.from(upstreamMessage);
    } else {
      message = "Backend '" + backend + "' answered HTTP " + status;
    }
    ProxyException exception = ProxyException.of(kind, message);
    if (error != null && kind.status() < 500 && kind != ErrorKind.RATE_LIMITED) {
      String code = codeOf(error);
      if (code != null) {
        exception = exception.withCode(code);
      }
      String param = text(error, "param");
      if (param != null) {
        exception = exception.withParam(param);
      }
    }
    if (kind == ErrorKind.RATE_LIMITED && (retryAfter == null || retryAfter.isBlank())) {
      retryAfter = retryDelayOf(error);
    }
    if (kind == ErrorKind.RATE_LIMITED && retryAfter != null && !retryAfter.isBlank()) {
      exception = exception.withRetryAfter(retryAfter.strip());
    }
    return exception;
  }

  /**
   * The error's code: OpenAI's string {@code code}, or Gemini's {@code status} ({@code
   * INVALID_ARGUMENT}) in lower case when {@code code} is only the HTTP status repeated.
   */
  private static String codeOf(JsonObject error) {
    if (error.get("code") instanceof JsonString code) {
      return code.getString();
    }
    if (error.get("status") instanceof JsonString status && !status.getString().isBlank()) {
      return status.getString().toLowerCase(java.util.Locale.ROOT);
    }
    return null;
  }

  /**
   * Gemini says when to retry in a {@code google.rpc.RetryInfo} detail ({@code "retryDelay":
   * "17s"}) rather than a header; as whole seconds for {@code Retry-After}.
   */
  private static String retryDelayOf(JsonObject error) {
    if (error == null || !(error.get("details") instanceof jakarta.json.JsonArray details)) {
      return null;
    }
    for (JsonValue detail : details) {
      if (detail instanceof JsonObject info
          && info.get("retryDelay") instanceof JsonString delay
          && delay.getString().matches("\\d+(\\.\\d+)?s")) {
        String seconds = delay.getString().substring(0, delay.getString().length() - 1);
        return String.valueOf((long) Math.ceil(Double.parseDouble(seconds)));
      }
    }
    return null;
  }

  /** An error event inside an otherwise successful stream. */
  public static ProxyException fromStreamError(String backend, JsonValue error, String secret) {
    return fromStreamError(backend, error, new Hidden(secret, null));
  }

  /** As above, hiding the backend's credential and address from the message. */
  public static ProxyException fromStreamError(String backend, JsonValue error, Hidden hidden) {
    String message = null;
    if (error instanceof JsonObject object) {
      message = text(object, "message");
    } else if (error instanceof JsonString string) {
      message = string.getString();
    }
    return ProxyException.of(
        ErrorKind.UPSTREAM_ERROR,
        message == null || message.isBlank()
            ? "Backend '" + backend + "' reported an error mid-stream"
            : hidden.from(message));
  }

  private static JsonObject errorObject(String body) {
    if (body == null || body.isBlank() || body.charAt(0) != '{' && body.strip().charAt(0) != '{') {
      return null;
    }
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      JsonValue value = reader.readValue();
      if (!(value instanceof JsonObject object)) {
        return null;
      }
      JsonValue error = object.get("error");
      if (error instanceof JsonObject nested) {
        return nested;
      }
      if (error instanceof JsonString string) {
        return Json.createObjectBuilder().add("message", string.getString()).build();
      }
      return object.containsKey("message") ? object : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(JsonObject object, String key) {
    JsonValue value = object.get(key);
    if (value instanceof JsonString string) {
      return string.getString();
    }
    if (value != null && value.getValueType() == JsonValue.ValueType.NUMBER) {
      return value.toString();
    }
    return null;
  }

  /** Removes a configured secret from text that is about to reach a client or a log. */
  public static String redact(String text, String secret) {
    if (secret == null || secret.length() < 4 || text == null) {
      return text;
    }
    return text.replace(secret, "***");
  }

  private static String readBounded(Response response) throws IOException {
    if (!response.hasEntity()) {
      return "";
    }
    try (InputStream in = response.readEntity(InputStream.class)) {
      byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
