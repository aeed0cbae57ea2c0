package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * The port every upstream adapter implements. Requests and responses cross it in the OpenAI Chat
 * Completions shape; an adapter for another wire protocol translates both ways inside itself.
 */
public interface Backend {

  /** The configured name that selectors use ({@code openai}, {@code minimax}, {@code mock}). */
  String name();

  /** Sends a non-streaming request and returns the {@code chat.completion} object. */
  JsonObject complete(UpstreamRequest request);

  /**
   * Opens a streaming request. Returns once the upstream accepted it (2xx headers arrived); a
   * refusal is thrown as a {@link ProxyException}. Closing the returned stream ends the upstream
   * request at once.
   */
  ChunkStream stream(UpstreamRequest request);

  /** The model ids this backend offers, without the backend prefix. */
  List<String> models();
}
