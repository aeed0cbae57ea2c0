package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The engine's entry point for {@code POST /v1/chat/completions}: rewrites the model (aliases,
 * planning phase), parses the selector, routes to the backend (or to the hybrid engine) and answers
 * buffered or streamed.
 */
public final class ChatCompletions {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private final SelectorParser parser = new SelectorParser();
  private final BackendRegistry backends;
  private final HybridEngine hybrid;
  private final Executor executor;
  private final ModelRouting routing;

  public ChatCompletions(BackendRegistry backends, HybridEngine hybrid, Executor executor) {
    this(backends, hybrid, executor, ModelRouting.NONE);
  }

  /** As above, with model aliases and the planning phase applied before routing. */
  public ChatCompletions(
      BackendRegistry backends, HybridEngine hybrid, Executor executor, ModelRouting routing) {
    this.backends = backends;
    this.hybrid = hybrid;
    this.executor = executor;
    this.routing = routing;
  }

  /** A buffered answer, {@code model} set to what the client asked for. */
  public ChatAnswer complete(ChatRequest client) {
    ModelRouting.Route route = routing.route(client);
    ChatRequest request = route.request();
    ModelSelector selector = select(route.selector());
    if (selector instanceof ModelSelector.Hybrid pair) {
      return hybrid.complete(request, pair);
    }
    ModelRef model = ((ModelSelector.Plain) selector).model();
    Backend backend = backends.resolve(model);
    JsonObject answer =
        backend.complete(
            new UpstreamRequest(
                UpstreamBody.plain(request.body(), model), UpstreamRequest.Leg.PLAIN));
    return new ChatAnswer(
        JSON.createObjectBuilder(answer).add("model", request.model()).build(), Map.of());
  }

  /** A streamed answer; the caller waits for it to start, then attaches its listener. */
  public StreamSession stream(ChatRequest client) {
    ModelRouting.Route route = routing.route(client);
    ChatRequest request = route.request();
    ModelSelector selector = select(route.selector());
    if (selector instanceof ModelSelector.Hybrid pair) {
      return hybrid.stream(request, pair);
    }
    ModelRef model = ((ModelSelector.Plain) selector).model();
    Backend backend = backends.resolve(model);
    PlainStream session =
        new PlainStream(
            backend,
            new UpstreamRequest(
                UpstreamBody.plain(request.body(), model), UpstreamRequest.Leg.PLAIN),
            request.model(),
            executor);
    session.start();
    return session;
  }

  private ModelSelector select(String selector) {
    if (hybrid.disabled() && SelectorParser.isHybrid(selector)) {
      throw HybridEngine.disabledError();
    }
    return parser.parse(selector);
  }
}
