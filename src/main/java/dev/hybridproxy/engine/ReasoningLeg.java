package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs one reasoning leg (SPEC §5.1): streams from the reasoning model, captures the reasoning, and
 * closes the upstream the moment the reasoning ends, the whole-leg timeout expires or the client
 * leaves. Runs on the calling thread; {@link #cancel()} may come from any thread.
 */
final class ReasoningLeg {

  /** Sees the leg as it runs. */
  interface Observer {
    Observer NONE =
        new Observer() {
          @Override
          public void opened() {}

          @Override
          public boolean reasoning(String text) {
            return true;
          }
        };

    /** The upstream accepted the request. */
    void opened();

    /** New reasoning text; returns {@code false} when the client is gone. */
    boolean reasoning(String text);
  }

  /**
   * How the leg went.
   *
   * @param end why the reasoning stopped; empty when the leg failed or was cancelled first
   * @param raw the reasoning captured, tags removed, not normalised
   * @param failure what went wrong, if the upstream refused, broke off or sent garbage
   * @param accepted whether the upstream accepted the request (tokens were paid)
   * @param upstreamClosed whether the proxy cut the upstream off before it finished on its own
   * @param durationNanos from the start of the call to its close
   * @param reasoningTokens what the upstream reported, if anything
   * @param cancelled whether the client left during the leg
   * @param closeNanos how long closing the upstream took once the end of reasoning was seen
   */
  record Result(
      Optional<ReasoningEnd> end,
      String raw,
      Optional<ProxyException> failure,
      boolean accepted,
      boolean upstreamClosed,
      long durationNanos,
      OptionalLong reasoningTokens,
      boolean cancelled,
      long closeNanos) {}

  private final Backend backend;
  private final UpstreamRequest request;
  private final int maxChars;
  private final Duration timeout;
  private final ScheduledExecutorService timers;
  private final LongSupplier nanoClock;
  private volatile UpstreamCall call;
  private volatile boolean cancelled;
  private volatile boolean timedOut;

  ReasoningLeg(
      Backend backend,
      UpstreamRequest request,
      int maxChars,
      Duration timeout,
      ScheduledExecutorService timers,
      LongSupplier nanoClock) {
    this.backend = backend;
    this.request = request;
    this.maxChars = maxChars;
    this.timeout = timeout;
    this.timers = timers;
    this.nanoClock = nanoClock;
  }

  Result run(Observer observer) {
    long start = nanoClock.getAsLong();
    ReasoningCapture capture = new ReasoningCapture(maxChars);
    UpstreamCall current = UpstreamCall.unsent();
    call = current;
    if (cancelled) {
      current.close();
    }
    ScheduledFuture<?> deadline =
        timers.schedule(
            () -> {
              timedOut = true;
              current.close();
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    ProxyException failure = null;
    boolean cutOff = false;
    long closeNanos = 0;
    try {
      current.open(backend, request); // on this thread: the leg waits for it anyway
      ChunkStream stream = current.await();
      if (stream != null) {
        observer.opened();
        while (!capture.ended()) {
          JsonObject chunk = stream.next();
          if (chunk == null) {
            break;
          }
          String text = capture.accept(chunk);
          if (capture.ended()) {
            long endSeen = nanoClock.getAsLong();
            current.close();
            closeNanos = nanoClock.getAsLong() - endSeen;
            cutOff = true;
          }
          if (!text.isEmpty() && !observer.reasoning(text)) {
            cancelled = true;
            break;
          }
        }
      }
    } catch (ProxyException e) {
      if (!timedOut && !cancelled) {
        failure = e;
      }
    } finally {
      deadline.cancel(false);
      current.close();
    }
    long duration = nanoClock.getAsLong() - start;
    if (!capture.ended() && !cancelled) {
      if (timedOut) {
        capture.timedOut();
        cutOff = true;
      } else if (failure == null) {
        capture.streamEnded();
      }
    }
    return new Result(
        failure == null ? capture.end() : Optional.empty(),
        capture.text(),
        Optional.ofNullable(failure),
        current.accepted(),
        cutOff,
        duration,
        capture.reasoningTokens(),
        cancelled,
        closeNanos);
  }

  /** The client left: close the upstream now, or as soon as it answers. */
  void cancel() {
    cancelled = true;
    UpstreamCall current = call;
    if (current != null) {
      current.close();
    }
  }
}
