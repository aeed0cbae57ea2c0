package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.concurrent.Executor;

/**
 * The engine's entry point for {@code POST /v1/chat/completions}: parses the selector, routes to
 * the backend and answers buffered or streamed.
 */
public final class ChatCompletions {
  private final SelectorParser parser = new SelectorParser();
  private final BackendRegistry backends;
  private final Executor executor;

  public ChatCompletions(BackendRegistry backends, Executor executor) {
    this.backends = backends;
    this.executor = executor;
  }

  /** A buffered answer, {@code model} set to what the client asked for. */
  public JsonObject complete(ChatRequest request) {
    ModelSelector selector = parser.parse(request.model());
    if (selector instanceof ModelSelector.Plain plain) {
      Backend backend = backends.resolve(plain.model());
      JsonObject answer =
          backend.complete(
              new UpstreamRequest(
                  UpstreamBody.plain(request.body(), plain.model()), UpstreamRequest.Leg.PLAIN));
      return Json.createObjectBuilder(answer).add("model", request.model()).build();
    }
    throw hybridNotAvailable();
  }

  /** A streamed answer; the caller waits for it to start, then attaches its listener. */
  public StreamSession stream(ChatRequest request) {
    ModelSelector selector = parser.parse(request.model());
    if (selector instanceof ModelSelector.Plain plain) {
      Backend backend = backends.resolve(plain.model());
      PlainStream session =
          new PlainStream(
              backend,
              new UpstreamRequest(
                  UpstreamBody.plain(request.body(), plain.model()), UpstreamRequest.Leg.PLAIN),
              request.model(),
              executor);
      session.start();
      return session;
    }
    throw hybridNotAvailable();
  }

  private static ProxyException hybridNotAvailable() {
    return ProxyException.of(ErrorKind.INVALID_MODEL, "Hybrid models are not available yet")
        .withParam("model");
  }
}
