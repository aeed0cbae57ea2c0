package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * One call to one backend.
 *
 * @param body the Chat Completions body to send, {@code model} already set to the upstream name
 * @param leg why the call is made, so an adapter can pick a protocol path (e.g. reasoning
 *     summaries)
 * @param timeout replaces the backend's own first-byte and silence allowance for this call
 */
public record UpstreamRequest(JsonObject body, Leg leg, Optional<Duration> timeout) {

  /** The role a call plays in answering the client. */
  public enum Leg {
    PLAIN,
    REASONING,
    EXECUTION
  }

  public UpstreamRequest(JsonObject body, Leg leg) {
    this(body, leg, Optional.empty());
  }

  public String model() {
    return body.getString("model", "");
  }
}
