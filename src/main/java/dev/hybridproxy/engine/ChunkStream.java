package dev.hybridproxy.engine;

import jakarta.json.JsonObject;

/**
 * An open upstream stream of {@code chat.completion.chunk} objects. Read from one thread; {@link
 * #close()} may be called from any thread and makes a blocked {@link #next()} return.
 */
public interface ChunkStream extends AutoCloseable {

  /**
   * Returned by {@link #next()} (compared by identity) when the upstream's reasoning channel closed
   * without a chunk of its own: an Anthropic thinking block's {@code content_block_stop}, for
   * instance. It carries no data; consumers that only forward chunks skip it.
   */
  JsonObject REASONING_END = jakarta.json.Json.createObjectBuilder().build();

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
