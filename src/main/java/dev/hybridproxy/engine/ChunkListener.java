package dev.hybridproxy.engine;

import jakarta.json.JsonObject;

/**
 * Where a streamed answer goes: the one listener between the engine and the web layer. Calls come
 * from one thread at a time, in order; exactly one of {@link #complete()} and {@link
 * #fail(ProxyException)} ends the stream.
 */
public interface ChunkListener {

  /** Sends one chunk to the client; returns {@code false} when the client is gone. */
  boolean chunk(JsonObject chunk);

  /** Ends the stream normally ({@code data: [DONE]}). */
  void complete();

  /** Ends the stream with one error event. */
  void fail(ProxyException error);
}
