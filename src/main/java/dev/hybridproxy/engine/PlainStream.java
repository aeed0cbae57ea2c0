package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plain streaming request: opens the upstream stream on a worker, then forwards each chunk to the
 * listener as soon as it arrives, with the response identity kept stable. A client that leaves
 * gives the call up at any moment, before the upstream answered included ({@link UpstreamCall}).
 */
final class PlainStream implements StreamSession {
  private static final Logger LOG = System.getLogger(PlainStream.class.getName());

  private final Backend backend;
  private final UpstreamRequest request;
  private final ChunkIdentity identity;
  private final Executor executor;
  private final CompletableFuture<ChunkListener> listener = new CompletableFuture<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile UpstreamCall call;

  PlainStream(Backend backend, UpstreamRequest request, String clientModel, Executor executor) {
    this.backend = backend;
    this.request = request;
    this.identity = new ChunkIdentity(clientModel);
    this.executor = executor;
  }

  void start() {
    UpstreamCall started = UpstreamCall.start(backend, request, executor);
    call = started;
    CompletableFuture<ChunkStream> opened = started.opened();
    opened.thenAcceptBoth(listener, this::pump);
    opened.whenComplete(
        (stream, failure) -> {
          if (failure != null) {
            listener.thenAccept(l -> l.fail(asProxyException(failure)));
          }
        });
  }

  @Override
  public boolean awaitStart(Duration wait) {
    try {
      call.opened().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (CancellationException e) {
      throw ProxyException.of(ErrorKind.UPSTREAM_ERROR, "The request was cancelled");
    } catch (ExecutionException e) {
      throw asProxyException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw ProxyException.of(ErrorKind.UNAVAILABLE, "The server is shutting down");
    }
  }

  @Override
  public void deliverTo(ChunkListener target) {
    listener.complete(target);
  }

  private void pump(ChunkStream stream, ChunkListener target) {
    executor.execute(() -> forward(stream, target));
  }

  private void forward(ChunkStream stream, ChunkListener target) {
    try (stream) {
      JsonObject chunk;
      while ((chunk = stream.next()) != null) {
        if (chunk == ChunkStream.REASONING_END) {
          continue;
        }
        if (cancelled.get() || !target.chunk(identity.apply(chunk))) {
          cancel();
          return;
        }
      }
      if (!cancelled.get()) {
        target.complete();
      }
    } catch (ProxyException e) {
      if (!cancelled.get()) {
        target.fail(e);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Streaming from backend " + backend.name() + " failed", e);
      if (!cancelled.get()) {
        target.fail(ProxyException.of(ErrorKind.INTERNAL, "The proxy failed while streaming"));
      }
    }
  }

  @Override
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      call.close();
      listener.cancel(false);
    }
  }

  static ProxyException asProxyException(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ProxyException proxy) {
      return proxy;
    }
    if (cause instanceof CancellationException) {
      return ProxyException.of(ErrorKind.UPSTREAM_ERROR, "The request was cancelled");
    }
    LOG.log(Level.ERROR, "Unexpected failure", cause);
    return ProxyException.of(ErrorKind.INTERNAL, "The proxy failed to handle the request");
  }
}
