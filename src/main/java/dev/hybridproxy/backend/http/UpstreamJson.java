package dev.hybridproxy.backend.http;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.SourcedJsonObject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * JSON in and out of upstream calls: a whole answer read under the silence allowance, one stream
 * event parsed, a request body encoded. Anything that is not a JSON object is a malformed answer
 * (502), described without echoing it.
 */
public final class UpstreamJson {
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private UpstreamJson() {}

  /** Reads a successful answer's body as a JSON object and closes the response. */
  public static JsonObject read(
      String backend, Response response, StallGuard guard, Duration allowance) {
    StallGuard.Watch watch = guard.watch(allowance, response::close);
    String text;
    try (response;
        InputStream in = response.readEntity(InputStream.class)) {
      byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      if (bytes.length > MAX_RESPONSE_BYTES) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_ERROR, "Backend '" + backend + "' sent an oversized answer");
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (ProxyException e) {
      throw e;
    } catch (Exception e) {
      if (watch.stalled()) {
        throw ProxyException.of(
            ErrorKind.UPSTREAM_TIMEOUT,
            "Backend '" + backend + "' sent nothing for " + allowance.toSeconds() + " s");
      }
      throw UpstreamHttp.transportFailure(backend, e, allowance);
    } finally {
      watch.release();
    }
    JsonObject object = objectOrNull(text);
    if (object == null) {
      throw ProxyException.of(
          ErrorKind.UPSTREAM_ERROR, "Backend '" + backend + "' sent an answer that is not JSON");
    }
    return object;
  }

  /**
   * One stream event's data as a JSON object that keeps its text, so that passing it on does not
   * serialise it again (a multi-line event is kept as parsed); a 502 when it is not one.
   */
  public static JsonObject event(String backend, String data) {
    JsonObject object = objectOrNull(data);
    if (object == null) {
      throw ProxyException.of(
          ErrorKind.UPSTREAM_ERROR, "Backend '" + backend + "' sent a malformed stream event");
    }
    if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
      return object;
    }
    return SourcedJsonObject.of(object, data);
  }

  /** Text parsed as a JSON object, or {@code null} when it is not one. */
  public static JsonObject objectOrNull(String text) {
    try (JsonReader reader = READERS.createReader(new StringReader(text))) {
      JsonValue value = reader.readValue();
      return value instanceof JsonObject object ? object : null;
    } catch (JsonException e) {
      return null;
    }
  }

  public static byte[] bytes(JsonObject body) {
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
