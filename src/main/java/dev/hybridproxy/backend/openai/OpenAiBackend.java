package dev.hybridproxy.backend.openai;

import dev.hybridproxy.backend.http.SseEvent;
import dev.hybridproxy.backend.http.UpstreamErrors;
import dev.hybridproxy.backend.http.UpstreamEventStream;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.http.UpstreamJson;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.UpstreamRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code openai} wire type: Chat Completions over HTTP with a bearer key. Bodies are sent as
 * the engine built them and answers come back untouched; only errors are translated. On the
 * reasoning leg, models listed in {@code responses_models} go through the Responses API instead,
 * the only OpenAI API that returns reasoning text (summaries) for o-series and GPT-5 models.
 */
public final class OpenAiBackend implements Backend {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  /**
   * Where the next call goes and the bearer token it carries: fixed for an API key, renewable for
   * OAuth tokens.
   */
  public interface Credentials {

    /** The base URL and token for the next call. */
    Grant current();

    /**
     * The upstream answered 401 to a call made with {@code refused}. Returns {@code true} when
     * fresh credentials are available, so the call is worth one retry.
     */
    default boolean renew(Grant refused) {
      return false;
    }

    /**
     * @param baseUrl the API base, e.g. {@code https://api.openai.com/v1}
     * @param token the bearer token, if the upstream takes one
     */
    record Grant(URI baseUrl, Optional<String> token) {}

    /** The configured URL and key of a backend. */
    static Credentials fixed(BackendSettings settings) {
      Grant grant = new Grant(settings.apiUrl(), settings.apiKey());
      return () -> grant;
    }
  }

  private final BackendSettings settings;
  private final UpstreamHttp http;
  private final Credentials credentials;
  private final ResponsesApi responses;

  public OpenAiBackend(BackendSettings settings, UpstreamHttp http) {
    this(settings, http, Credentials.fixed(settings), Clock.systemUTC());
  }

  public OpenAiBackend(
      BackendSettings settings, UpstreamHttp http, Credentials credentials, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.credentials = credentials;
    this.responses = new ResponsesApi(settings.name(), clock);
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    Duration timeout = timeoutFor(request);
    if (viaResponses(request)) {
      Sent sent =
          send(
              "/responses",
              responses.toResponsesRequest(request.body(), false),
              "application/json",
              timeout);
      return responses.completionFrom(
          UpstreamJson.read(name(), sent.response(), http.stallGuard(), timeout));
    }
    Sent sent =
        send("/chat/completions", withStream(request.body(), false), "application/json", timeout);
    return UpstreamJson.read(name(), sent.response(), http.stallGuard(), timeout);
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    Duration timeout = timeoutFor(request);
    if (viaResponses(request)) {
      Sent sent =
          send(
              "/responses",
              responses.toResponsesRequest(request.body(), true),
              "text/event-stream",
              timeout);
      return responses.chunksFrom(
          new UpstreamEventStream(name(), sent.response(), http.stallGuard(), timeout),
          request.body(),
          secretOf(sent.grant()));
    }
    Sent sent =
        send("/chat/completions", withStream(request.body(), true), "text/event-stream", timeout);
    return new OpenAiChunkStream(
        new UpstreamEventStream(name(), sent.response(), http.stallGuard(), timeout),
        secretOf(sent.grant()));
  }

  @Override
  public List<String> models() {
    if (!settings.models().isEmpty()) {
      return settings.models();
    }
    Credentials.Grant grant = credentials.current();
    Response response =
        http.get(
            name(),
            endpoint(grant, "/models"),
            headers(grant),
            "application/json",
            settings.timeout());
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secretOf(grant));
    }
    JsonObject list = UpstreamJson.read(name(), response, http.stallGuard(), settings.timeout());
    List<String> ids = new ArrayList<>();
    if (list.get("data") instanceof JsonArray data) {
      for (JsonValue entry : data) {
        if (entry instanceof JsonObject model && model.containsKey("id")) {
          ids.add(model.getString("id", ""));
        }
      }
    }
    return ids;
  }

  /** Reasoning models answer the reasoning leg through the Responses API. */
  private boolean viaResponses(UpstreamRequest request) {
    return request.leg() == UpstreamRequest.Leg.REASONING
        && settings.responsesModels().filter(p -> p.matcher(request.model()).matches()).isPresent();
  }

  private record Sent(Response response, Credentials.Grant grant) {}

  /**
   * Posts to the upstream; a 401 gives renewable credentials one chance to renew and the call one
   * retry (nothing was streamed yet, so a retry is safe).
   */
  private Sent send(String path, JsonObject body, String accept, Duration timeout) {
    byte[] bytes = UpstreamJson.bytes(body);
    Credentials.Grant grant = credentials.current();
    Response response =
        http.postJson(name(), endpoint(grant, path), headers(grant), bytes, accept, timeout);
    if (response.getStatus() == 401 && credentials.renew(grant)) {
      response.close();
      grant = credentials.current();
      response =
          http.postJson(name(), endpoint(grant, path), headers(grant), bytes, accept, timeout);
    }
    if (response.getStatus() / 100 != 2) {
      throw UpstreamErrors.fromResponse(name(), response, secretOf(grant));
    }
    return new Sent(response, grant);
  }

  private static URI endpoint(Credentials.Grant grant, String path) {
    String base = grant.baseUrl().toString();
    int end = base.length();
    while (end > 0 && base.charAt(end - 1) == '/') {
      end--;
    }
    return URI.create(base.substring(0, end) + path);
  }

  private Duration timeoutFor(UpstreamRequest request) {
    return request.timeout().orElse(settings.timeout());
  }

  private static Map<String, String> headers(Credentials.Grant grant) {
    Map<String, String> headers = new LinkedHashMap<>();
    grant.token().ifPresent(token -> headers.put("Authorization", "Bearer " + token));
    return headers;
  }

  /** What no error the client sees may repeat: the token and the address of this grant. */
  private static UpstreamErrors.Hidden secretOf(Credentials.Grant grant) {
    return new UpstreamErrors.Hidden(grant.token().orElse(null), grant.baseUrl());
  }

  private static JsonObject withStream(JsonObject body, boolean stream) {
    if (body.get("stream") == (stream ? JsonValue.TRUE : JsonValue.FALSE)) {
      return body;
    }
    if (!stream && !body.containsKey("stream")) {
      return body;
    }
    var builder = JSON.createObjectBuilder(body).add("stream", stream);
    if (!stream) {
      builder.remove("stream_options");
    }
    return builder.build();
  }

  /** Chat-completion chunks out of an SSE stream; ends at {@code [DONE]} or end of stream. */
  private final class OpenAiChunkStream implements ChunkStream {
    private final UpstreamEventStream events;
    private final UpstreamErrors.Hidden secret;

    OpenAiChunkStream(UpstreamEventStream events, UpstreamErrors.Hidden secret) {
      this.events = events;
      this.secret = secret;
    }

    @Override
    public JsonObject next() {
      while (true) {
        SseEvent event = events.next();
        if (event == null || event.isDone()) {
          events.closeAtEnd();
          return null;
        }
        if (event.data().isBlank()) {
          continue;
        }
        JsonObject chunk;
        try {
          chunk = UpstreamJson.event(name(), event.data());
        } catch (RuntimeException e) {
          events.close();
          throw e;
        }
        JsonValue error = chunk.get("error");
        if (error != null && error != JsonValue.NULL) {
          events.close();
          throw UpstreamErrors.fromStreamError(name(), error, secret);
        }
        return chunk;
      }
    }

    @Override
    public void close() {
      events.close();
    }
  }
}
