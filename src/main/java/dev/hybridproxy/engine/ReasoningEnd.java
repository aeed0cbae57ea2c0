package dev.hybridproxy.engine;

/** Why a reasoning leg stopped (SPEC §5.1), as the {@code hybrid.reasoning.end} metadata says. */
public enum ReasoningEnd {
  /** A closing think tag in the content channel. */
  TAG("tag"),
  /** The reasoning channel gave way to content or tool calls, or the adapter signalled its end. */
  CHANNEL("channel"),
  /** The upstream finished the choice (or the whole stream). */
  FINISH_REASON("finish_reason"),
  /** {@code hybrid_reasoning_max_chars} reached. */
  LIMIT("limit"),
  /** {@code hybrid_reasoning_model_timeout} expired. */
  TIMEOUT("timeout");

  private final String label;

  ReasoningEnd(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
