package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.Map;

/**
 * A buffered chat-completions answer and the response headers that go with it.
 *
 * @param body the {@code chat.completion} object
 * @param headers extra response headers ({@code X-Hybrid-Reasoning})
 */
public record ChatAnswer(JsonObject body, Map<String, String> headers) {
  public ChatAnswer {
    headers = Map.copyOf(headers);
  }
}
