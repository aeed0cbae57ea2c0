package dev.hybridproxy.backend.openai;

import dev.hybridproxy.backend.http.SseEvent;
import dev.hybridproxy.backend.http.UpstreamErrors;
import dev.hybridproxy.backend.http.UpstreamEventStream;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code openai} wire type: Chat Completions over HTTP with a bearer key. Bodies are sent as
 * the engine built them and answers come back untouched; only errors are translated.
 */
public final class OpenAiBackend implements Backend {
  private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private final BackendSettings settings;
  private final UpstreamHttp http;
  private final URI chatCompletions;
  private final URI modelList;

  public OpenAiBackend(BackendSettings settings, UpstreamHttp http) {
    this.settings = settings;
    this.http = http;
    String base = settings.apiUrl().toString().replaceAll("/+$", "");
    this.chatCompletions = URI.create(base + "/chat/completions");
    this.modelList = URI.create(base + "/models");
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    JsonObject body = withStream(request.body(), false);
    Duration timeout = timeoutFor(request);
    Response response =
        http.postJson(name(), chatCompletions, headers(), bytes(body), "application/json", timeout);
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    StallGuardedBody read = new StallGuardedBody(response, timeout);
    return read.json();
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    JsonObject body = withStream(request.body(), true);
    Duration timeout = timeoutFor(request);
    Response response =
        http.postJson(
            name(), chatCompletions, headers(), bytes(body), "text/event-stream", timeout);
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    return new OpenAiChunkStream(
        new UpstreamEventStream(name(), response, http.stallGuard(), timeout));
  }

  @Override
  public List<String> models() {
    if (!settings.models().isEmpty()) {
      return settings.models();
    }
    Response response =
        http.get(name(), modelList, headers(), "application/json", settings.timeout());
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secret());
    }
    JsonObject list = new StallGuardedBody(response, settings.timeout()).json();
    JsonArray data = list.getJsonArray("data");
    List<String> ids = new ArrayList<>();
    if (data != null) {
      for (JsonValue entry : data) {
        if (entry instanceof JsonObject model && model.containsKey("id")) {
          ids.add(model.getString("id", ""));
        }
      }
    }
    return ids;
  }

  private Duration timeoutFor(UpstreamRequest request) {
    return request.timeout().orElse(settings.timeout());
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    settings.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
    return headers;
  }

  private String secret() {
    return settings.apiKey().orElse(null);
  }

  private static JsonObject withStream(JsonObject body, boolean stream) {
    if (body.get("stream") == (stream ? JsonValue.TRUE : JsonValue.FALSE)) {
      return body;
    }
    if (!stream && !body.containsKey("stream")) {
      return body;
    }
    var builder = Json.createObjectBuilder(body).add("stream", stream);
    if (!stream) {
      builder.remove("stream_options");
    }
    return builder.build();
  }

  private static byte[] bytes(JsonObject body) {
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A non-streaming answer body, read under the backend's silence allowance. */
  private final class StallGuardedBody {
    private final Response response;
    private final Duration allowance;

    StallGuardedBody(Response response, Duration allowance) {
      this.response = response;
      this.allowance = allowance;
    }

    JsonObject json() {
      var watch = http.stallGuard().watch(allowance, response::close);
      String text;
      try (response;
          InputStream in = response.readEntity(InputStream.class)) {
        byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        if (bytes.length > MAX_RESPONSE_BYTES) {
          throw ProxyException.of(
              ErrorKind.UPSTREAM_ERROR, "Backend '" + name() + "' sent an oversized answer");
        }
        text = new String(bytes, StandardCharsets.UTF_8);
      } catch (ProxyException e) {
        throw e;
      } catch (Exception e) {
        if (watch.stalled()) {
          throw ProxyException.of(
              ErrorKind.UPSTREAM_TIMEOUT,
              "Backend '" + name() + "' sent nothing for " + allowance.toSeconds() + " s");
        }
        throw UpstreamHttp.transportFailure(name(), e, allowance);
      } finally {
        watch.release();
      }
      try (JsonReader reader = READERS.createReader(new StringReader(text))) {
        JsonValue value = reader.readValue();
        if (value instanceof JsonObject object) {
          return object;
        }
      } catch (JsonException e) {
        // reported below
      }
      throw ProxyException.of(
          ErrorKind.UPSTREAM_ERROR, "Backend '" + name() + "' sent an answer that is not JSON");
    }
  }

  /** Chat-completion chunks out of an SSE stream; ends at {@code [DONE]} or end of stream. */
  private final class OpenAiChunkStream implements ChunkStream {
    private final UpstreamEventStream events;

    OpenAiChunkStream(UpstreamEventStream events) {
      this.events = events;
    }

    @Override
    public JsonObject next() {
      while (true) {
        SseEvent event = events.next();
        if (event == null || event.isDone()) {
          return null;
        }
        if (event.data().isBlank()) {
          continue;
        }
        JsonObject chunk = parseChunk(event.data());
        JsonValue error = chunk.get("error");
        if (error != null && error != JsonValue.NULL) {
          events.close();
          throw UpstreamErrors.fromStreamError(name(), error, secret());
        }
        return chunk;
      }
    }

    private JsonObject parseChunk(String data) {
      try (JsonReader reader = READERS.createReader(new StringReader(data))) {
        JsonValue value = reader.readValue();
        if (value instanceof JsonObject object) {
          return object;
        }
      } catch (JsonException e) {
        // reported below
      }
      events.close();
      throw ProxyException.of(
          ErrorKind.UPSTREAM_ERROR, "Backend '" + name() + "' sent a malformed stream event");
    }

    @Override
    public void close() {
      events.close();
    }
  }
}
