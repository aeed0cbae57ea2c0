package dev.hybridproxy.engine;

import java.time.Duration;

/**
 * A streaming answer being prepared. The web layer first waits a little for the upstream to accept
 * (so that an early refusal can still be an HTTP error status), then attaches its listener.
 */
public interface StreamSession {

  /**
   * Waits up to {@code wait} for the upstream to accept the request.
   *
   * @return {@code true} when it accepted, {@code false} when it has not answered yet
   * @throws ProxyException when it refused within that time
   */
  boolean awaitStart(Duration wait);

  /** Starts delivering chunks to the listener; called once. */
  void deliverTo(ChunkListener listener);

  /** Headers the client should get with the response, known before the first chunk. */
  default java.util.Map<String, String> responseHeaders() {
    return java.util.Map.of();
  }

  /** The client is gone: stop every upstream call of this request. Idempotent. */
  void cancel();
}
