package dev.hybridproxy.engine;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streaming upstream call that can be given up at any moment from any thread: before its
 * headers arrived (the wait ends at once, and the stream is closed the moment it arrives) or after
 * (the stream is closed, which is what makes the upstream see the disconnect).
 */
final class UpstreamCall {
  private final CompletableFuture<ChunkStream> opened = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean accepted;

  private UpstreamCall() {}

  /** Starts opening the stream on a worker. */
  static UpstreamCall start(Backend backend, UpstreamRequest request, Executor executor) {
    UpstreamCall call = new UpstreamCall();
    executor.execute(() -> call.open(backend, request));
    return call;
  }

  private void open(Backend backend, UpstreamRequest request) {
    ChunkStream stream;
    try {
      stream = backend.stream(request);
    } catch (RuntimeException e) {
      opened.completeExceptionally(e);
      return;
    }
    accepted = true;
    if (!opened.complete(stream) || closed.get()) {
      stream.close();
    }
  }

  /**
   * Waits for the upstream to accept.
   *
   * @return the open stream, or {@code null} when the call was closed first
   * @throws ProxyException when the upstream refused or could not be reached
   */
  ChunkStream await() {
    try {
      return opened.join();
    } catch (CancellationException e) {
      return null;
    } catch (CompletionException e) {
      throw PlainStream.asProxyException(e);
    }
  }

  /** Whether the upstream accepted the request (answered 2xx): from then on it bills tokens. */
  boolean accepted() {
    return accepted;
  }

  /** Gives the call up; idempotent, thread-safe. */
  void close() {
    if (closed.compareAndSet(false, true) && !opened.cancel(false)) {
      opened.thenAccept(ChunkStream::close);
    }
  }
}
