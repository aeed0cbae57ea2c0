package dev.hybridproxy.api;

import dev.hybridproxy.config.ProxySettings;
import dev.hybridproxy.engine.ChatAnswer;
import dev.hybridproxy.engine.ChatCompletions;
import dev.hybridproxy.engine.ChatRequest;
import dev.hybridproxy.engine.StreamSession;
import dev.hybridproxy.engine.Workers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * {@code POST /v1/chat/completions}: OpenAI Chat Completions. {@link ChatRequestReader} has parsed
 * the body already and chosen between the two methods by its {@code stream} flag.
 */
@Path("/v1/chat/completions")
@ApplicationScoped
public class ChatCompletionsResource {
  private ChatCompletions chatCompletions;
  private ProxySettings settings;
  private Workers workers;
  private InFlightStreams inFlight;

  protected ChatCompletionsResource() {}

  @Inject
  public ChatCompletionsResource(
      ChatCompletions chatCompletions,
      ProxySettings settings,
      Workers workers,
      InFlightStreams inFlight) {
    this.chatCompletions = chatCompletions;
    this.settings = settings;
    this.workers = workers;
    this.inFlight = inFlight;
  }

  /**
   * {@code stream: false}: one JSON answer. The upstream call blocks for as long as the model
   * writes, so it runs on the proxy's own workers and the server's request thread goes back to its
   * pool at once (a small server pool would otherwise cap how many answers are in flight).
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public void complete(@Context HttpServletRequest http, @Suspended AsyncResponse async) {
    ChatRequest request = parsed(http);
    RequestRecord record =
        http.getAttribute(RequestRecord.PROPERTY) instanceof RequestRecord r ? r : null;
    workers.streams().execute(() -> answer(request, record, async));
  }

  private void answer(ChatRequest request, RequestRecord record, AsyncResponse async) {
    ChatAnswer answer;
    try {
      answer = chatCompletions.complete(request);
    } catch (RuntimeException e) {
      async.resume(e);
      return;
    }
    if (record != null) {
      record.reasoning(answer.headers().getOrDefault("X-Hybrid-Reasoning", "-"));
    }
    Response.ResponseBuilder response =
        Response.ok(answer.body().toString(), MediaType.APPLICATION_JSON_TYPE);
    answer.headers().forEach(response::header);
    async.resume(response.build());
  }

  /**
   * {@code stream: true}: waits up to one heartbeat for the upstream to accept, so that an early
   * refusal is still an HTTP status, then streams. Headers the session knows by then (such as
   * {@code X-Hybrid-Reasoning}) go out with the response.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void stream(
      @Context HttpServletRequest http,
      @Context HttpServletResponse httpResponse,
      @Context SseEventSink sink,
      @Context Sse sse) {
    StreamSession session = chatCompletions.stream(parsed(http));
    try {
      session.awaitStart(settings.heartbeatInterval());
    } catch (RuntimeException e) {
      session.cancel();
      throw e;
    }
    RequestRecord record = (RequestRecord) http.getAttribute(RequestRecord.PROPERTY);
    session.responseHeaders().forEach(httpResponse::setHeader);
    if (record != null) {
      record.reasoning(session.responseHeaders().getOrDefault("X-Hybrid-Reasoning", "-"));
    }
    SseChunkWriter writer =
        new SseChunkWriter(
            sink, sse, session::cancel, settings.heartbeatInterval(), record, inFlight::remove);
    inFlight.add(writer, session);
    writer.open(workers.timers());
    session.deliverTo(writer);
  }

  private static ChatRequest parsed(HttpServletRequest http) {
    return (ChatRequest) http.getAttribute(ChatRequestReader.PARSED);
  }
}
