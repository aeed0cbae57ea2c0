package dev.hybridproxy.engine;

import java.time.Duration;

/**
 * What the proxy reports about its own work, for metrics. Labels are backend names from
 * configuration and fixed words, never free text from a request. Every method has a no-op default,
 * so a component reports only what it knows.
 */
public interface Telemetry {
  /** Reports nothing. */
  Telemetry NONE = new Telemetry() {};

  /** A client request ended. */
  default void request(String route, String backend, int status, Duration duration) {}

  /** An upstream answered (headers arrived) or failed to. */
  default void upstreamCall(String backend, int status, Duration latency) {}

  /** The first answer chunk of a stream reached the client. */
  default void timeToFirstToken(String backend, Duration latency) {}

  /** A hybrid request decided whether to reason ({@code used}, {@code skipped}, ...). */
  default void hybridDecision(String status) {}

  /**
   * A reasoning leg ended.
   *
   * @param closeDelay time from seeing the end of reasoning to closing the upstream
   * @param tokensSaved estimated tokens the upstream would still have produced (early close)
   */
  default void reasoningLeg(
      String backend, Duration duration, Duration closeDelay, long tokensSaved) {}
}
