package dev.hybridproxy.engine;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The hybrid backend's knobs (SPEC §9), validated by the configuration reader before they get here.
 *
 * @param disabled {@code disable_hybrid_backend}: every {@code hybrid:} request gets a 400
 * @param probability {@code reasoning_injection_probability}, 0–1
 * @param repeatMessages {@code hybrid_backend_repeat_messages}
 * @param forceInitialTurns {@code hybrid_reasoning_force_initial_turns}
 * @param reasoningTimeout {@code hybrid_reasoning_model_timeout}: bounds the whole reasoning leg
 * @param executionTimeout {@code hybrid_execution_model_timeout}: first byte and longest silence
 * @param latencyThreshold {@code hybrid_reasoning_latency_threshold}; zero disables backoff
 * @param backoffTurns {@code hybrid_reasoning_backoff_turns}; zero disables backoff
 * @param maxChars {@code hybrid_reasoning_max_chars}
 * @param failureMode {@code hybrid_reasoning_failure_mode}
 * @param failureModes per reasoning backend, {@code backends.<name>.hybrid_reasoning_failure_mode}
 * @param output {@code hybrid_reasoning_output}
 */
public record HybridSettings(
    boolean disabled,
    double probability,
    boolean repeatMessages,
    int forceInitialTurns,
    Duration reasoningTimeout,
    Duration executionTimeout,
    Duration latencyThreshold,
    int backoffTurns,
    int maxChars,
    FailureMode failureMode,
    Map<String, FailureMode> failureModes,
    ReasoningOutput output) {

  public HybridSettings {
    failureModes = Map.copyOf(failureModes);
  }

  /** The defaults of SPEC §9. */
  public static HybridSettings defaults() {
    return new HybridSettings(
        false,
        1.0,
        false,
        4,
        Duration.ofSeconds(60),
        Duration.ofSeconds(120),
        Duration.ofSeconds(8),
        2,
        16384,
        FailureMode.CONTINUE,
        Map.of(),
        ReasoningOutput.FIELDS);
  }

  /** What a failed reasoning leg of this backend means for the request. */
  public FailureMode failureModeFor(String backend) {
    return failureModes.getOrDefault(backend, failureMode);
  }

  /** What happens when the reasoning leg fails or times out. */
  public enum FailureMode {
    /** Answer without (or with the partial) reasoning. */
    CONTINUE,
    /** Answer 502 {@code hybrid_reasoning_failed} (429 stays 429). */
    FAIL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a streamed answer shows the reasoning to the client (SPEC §8.1). */
  public enum ReasoningOutput {
    /** {@code delta.reasoning_content} and {@code delta.reasoning}. */
    FIELDS("fields"),
    /** As content wrapped in {@code <think>…</think>}. */
    THINK_TAGS("think-tags"),
    /** Not at all. */
    NONE("none");

    private final String label;

    ReasoningOutput(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
