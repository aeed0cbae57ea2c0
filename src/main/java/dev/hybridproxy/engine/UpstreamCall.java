package dev.hybridproxy.engine;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streaming upstream call that can be given up at any moment from any thread: before its
 * headers arrived (the wait ends at once and the request in flight is aborted: the worker waiting
 * for the headers is interrupted, which makes the JDK HTTP client drop the connection) or after
 * (the stream is closed, which is what makes the upstream see the disconnect).
 */
final class UpstreamCall {
  private final CompletableFuture<ChunkStream> opened = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean accepted;

  /** The worker waiting for the upstream's headers, while it waits; guarded by {@code this}. */
  private Thread opener;

  private UpstreamCall() {}

  /** Starts opening the stream on a worker. */
  static UpstreamCall start(Backend backend, UpstreamRequest request, Executor executor) {
    UpstreamCall call = new UpstreamCall();
    executor.execute(() -> call.open(backend, request));
    return call;
  }

  /**
   * A call not sent yet, for a caller that will wait for it anyway: publish it where {@link
   * #close()} can reach it, then {@link #open} it on the same thread, with no hand-off to a worker.
   */
  static UpstreamCall unsent() {
    return new UpstreamCall();
  }

  /**
   * Sends the request on the calling thread and waits for the upstream's headers; a {@link
   * #close()} from another thread meanwhile interrupts the wait. Nothing is sent when the call was
   * closed already. The outcome is in {@link #opened()}.
   */
  void open(Backend backend, UpstreamRequest request) {
    synchronized (this) {
      if (closed.get()) {
        return; // given up before it was sent
      }
      opener = Thread.currentThread();
    }
    ChunkStream stream;
    try {
      stream = backend.stream(request);
    } catch (RuntimeException e) {
      opened.completeExceptionally(e);
      return;
    } finally {
      synchronized (this) {
        opener = null;
      }
      Thread.interrupted(); // an abort that came just as the call returned is spent
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

  /** The stream once the upstream accepted; cancelled when the call was closed first. */
  CompletableFuture<ChunkStream> opened() {
    return opened;
  }

  /** Gives the call up; idempotent, thread-safe. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!opened.cancel(false)) {
      opened.thenAccept(ChunkStream::close);
      return;
    }
    synchronized (this) {
      if (opener != null) {
        opener.interrupt();
      }
    }
  }
}
