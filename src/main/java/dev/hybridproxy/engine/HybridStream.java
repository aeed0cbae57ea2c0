package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A streamed hybrid answer (SPEC §8.1): reasoning deltas live while the reasoning model produces
 * them, then the execution model's filtered deltas, a final chunk carrying the {@code hybrid}
 * metadata, {@code [DONE]}. One worker runs both legs in turn; a client that leaves closes the leg
 * in flight and the execution leg is then never started.
 */
final class HybridStream implements StreamSession {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final Logger LOG = System.getLogger(HybridStream.class.getName());

  private final HybridEngine engine;
  private final HybridEngine.Plan plan;
  private final BufferedListener out = new BufferedListener();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile ReasoningLeg reasoning;
  private volatile UpstreamCall execution;
  private volatile String status;
  private boolean reasoningSent;

  HybridStream(HybridEngine engine, HybridEngine.Plan plan) {
    this.engine = engine;
    this.plan = plan;
    if (!plan.decision().reason()) {
      status = HybridReport.Status.SKIPPED.label();
    }
  }

  void start() {
    engine.executor().execute(this::run);
  }

  private void run() {
    try {
      HybridEngine.Outcome outcome = plan.decision().reason() ? reason() : engine.skipped(plan);
      if (outcome != null) {
        status = outcome.report().status().label();
        execute(outcome);
      }
    } catch (ProxyException e) {
      failWith(e);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Hybrid stream for " + plan.request().model() + " failed", e);
      failWith(ProxyException.of(ErrorKind.INTERNAL, "The proxy failed while streaming"));
    }
  }

  /** The reasoning leg, its deltas sent live; {@code null} when the client left. */
  private HybridEngine.Outcome reason() {
    ReasoningLeg leg = engine.reasoningLeg(plan);
    reasoning = leg;
    if (cancelled) {
      return null;
    }
    ReasoningLeg.Result result =
        leg.run(
            new ReasoningLeg.Observer() {
              @Override
              public void opened() {
                started.complete(null);
              }

              @Override
              public boolean reasoning(String text) {
                return sendReasoning(text);
              }
            });
    if (result.cancelled() || cancelled) {
      return null;
    }
    HybridEngine.Outcome outcome = engine.settle(plan, result);
    if (reasoningSent && engine.settings().output() == HybridSettings.ReasoningOutput.THINK_TAGS) {
      send(delta(JSON.createObjectBuilder().add("content", "\n</think>\n\n")));
    }
    return outcome;
  }

  private boolean sendReasoning(String text) {
    JsonObjectBuilder delta = JSON.createObjectBuilder().add("role", "assistant");
    switch (engine.settings().output()) {
      case FIELDS -> delta.add("reasoning_content", text).add("reasoning", text);
      case THINK_TAGS -> delta.add("content", (reasoningSent ? "" : "<think>") + text);
      case NONE -> {
        return !cancelled;
      }
    }
    reasoningSent = true;
    return send(delta(delta));
  }

  private void execute(HybridEngine.Outcome outcome) {
    UpstreamRequest request = engine.executionRequest(plan, outcome);
    long start = engine.nanos();
    UpstreamCall call = UpstreamCall.unsent();
    execution = call;
    if (cancelled) {
      call.close();
      return;
    }
    ChunkStream stream;
    try {
      call.open(plan.executionBackend(), request); // on this thread: no hand-off to a worker
      stream = call.await();
    } catch (ProxyException e) {
      throw outcome.paid() ? e.forbiddingRetry() : e;
    }
    if (stream == null) {
      return;
    }
    started.complete(null);
    ExecutionOutputFilter filter = new ExecutionOutputFilter();
    boolean finished = false;
    try (stream) {
      JsonObject chunk;
      while ((chunk = stream.next()) != null) {
        if (chunk == ChunkStream.REASONING_END) {
          continue;
        }
        JsonObject visible = filter.chunk(chunk);
        if (visible == null) {
          continue;
        }
        JsonObjectBuilder extra = null;
        if (!finished && hasFinishReason(visible)) {
          finished = true;
          extra =
              JSON.createObjectBuilder(visible)
                  .add("hybrid", engine.hybridJson(plan, outcome, engine.millisSince(start)));
        }
        if (visible.get("usage") instanceof JsonObject usage) {
          extra = extra == null ? JSON.createObjectBuilder(visible) : extra;
          extra.add("usage", outcome.report().usage(usage));
        }
        if (!send(extra == null ? visible : extra.build())) {
          return;
        }
      }
      if (cancelled) {
        return;
      }
      for (Map.Entry<Integer, String> rest : filter.finish().entrySet()) {
        send(delta(rest.getKey(), JSON.createObjectBuilder().add("content", rest.getValue())));
      }
      if (!finished) {
        JsonObject last =
            JSON.createObjectBuilder(delta(0, JSON.createObjectBuilder(), JSON.createValue("stop")))
                .add("hybrid", engine.hybridJson(plan, outcome, engine.millisSince(start)))
                .build();
        if (!send(last)) {
          return;
        }
      }
      out.complete();
    }
  }

  private static boolean hasFinishReason(JsonObject chunk) {
    if (chunk.get("choices") instanceof JsonArray choices) {
      for (JsonValue choice : choices) {
        if (choice instanceof JsonObject object) {
          JsonValue finish = object.get("finish_reason");
          if (finish != null && finish != JsonValue.NULL) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private JsonObject delta(JsonObjectBuilder delta) {
    return delta(0, delta);
  }

  private JsonObject delta(int index, JsonObjectBuilder delta) {
    return delta(index, delta, JsonValue.NULL);
  }

  private JsonObject delta(int index, JsonObjectBuilder delta, JsonValue finishReason) {
    return JSON.createObjectBuilder()
        .add("id", plan.identity().id())
        .add("object", "chat.completion.chunk")
        .add("created", plan.identity().created())
        .add("model", plan.request().model())
        .add(
            "choices",
            JSON.createArrayBuilder()
                .add(
                    JSON.createObjectBuilder()
                        .add("index", index)
                        .add("delta", delta)
                        .add("finish_reason", finishReason)))
        .build();
  }

  /** Sends one chunk with the response's identity; {@code false} (and cancelled) when gone. */
  private boolean send(JsonObject chunk) {
    if (cancelled || !out.chunk(plan.identity().apply(chunk))) {
      cancel();
      return false;
    }
    return true;
  }

  private void failWith(ProxyException error) {
    if (cancelled) {
      return;
    }
    started.completeExceptionally(error);
    out.fail(error);
  }

  @Override
  public boolean awaitStart(Duration wait) {
    try {
      started.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw PlainStream.asProxyException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw ProxyException.of(ErrorKind.UNAVAILABLE, "The server is shutting down");
    }
  }

  @Override
  public void deliverTo(ChunkListener listener) {
    if (!out.attach(listener)) {
      cancel();
    }
  }

  /** {@code X-Hybrid-Reasoning} once the reasoning's fate is known (at once when skipped). */
  @Override
  public Map<String, String> responseHeaders() {
    String known = status;
    return known == null ? Map.of() : Map.of(HybridReport.HEADER, known);
  }

  @Override
  public void cancel() {
    cancelled = true;
    out.discard();
    ReasoningLeg leg = reasoning;
    if (leg != null) {
      leg.cancel();
    }
    UpstreamCall call = execution;
    if (call != null) {
      call.close();
    }
  }
}
