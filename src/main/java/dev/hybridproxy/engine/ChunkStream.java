package dev.hybridproxy.engine;

import jakarta.json.JsonObject;

/**
 * An open upstream stream of {@code chat.completion.chunk} objects. Read from one thread; {@link
 * #close()} may be called from any thread and makes a blocked {@link #next()} return.
 */
public interface ChunkStream extends AutoCloseable {

  /**
   * The next chunk, or {@code null} when the upstream finished. A malformed event, an upstream
   * error event or a broken connection is thrown as a {@link ProxyException}; after {@link
   * #close()} it returns {@code null}.
   */
  JsonObject next();

  /** Closes the upstream connection; idempotent and thread-safe. */
  @Override
  void close();
}
