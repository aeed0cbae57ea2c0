package dev.hybridproxy.ops;

import dev.hybridproxy.engine.Telemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The proxy's metrics in the application registry (Prometheus text at {@code /metrics}). Label
 * values are bounded: backend names from configuration, routes and statuses the proxy defines.
 */
@ApplicationScoped
public class ProxyMetrics implements Telemetry {
  private MetricRegistry registry;

  protected ProxyMetrics() {}

  @Inject
  public ProxyMetrics(
      @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void request(String route, String backend, int status, Duration duration) {
    Tag[] tags = {
      new Tag("route", route),
      new Tag("backend", backend),
      new Tag("status", Integer.toString(status))
    };
    registry.counter("proxy_requests", tags).inc();
    registry
        .timer("proxy_request_duration", new Tag("route", route), new Tag("backend", backend))
        .update(duration);
  }

  @Override
  public void upstreamCall(String backend, int status, Duration latency) {
    registry
        .counter(
            "proxy_upstream_calls",
            new Tag("backend", backend),
            new Tag("status", Integer.toString(status)))
        .inc();
    registry.timer("proxy_upstream_latency", new Tag("backend", backend)).update(latency);
  }

  @Override
  public void timeToFirstToken(String backend, Duration latency) {
    registry.timer("proxy_time_to_first_token", new Tag("backend", backend)).update(latency);
  }

  @Override
  public void hybridDecision(String status) {
    registry.counter("proxy_hybrid_decisions", new Tag("status", status)).inc();
  }

  @Override
  public void reasoningLeg(
      String backend, Duration duration, Duration closeDelay, long tokensSaved) {
    registry.timer("proxy_reasoning_duration", new Tag("backend", backend)).update(duration);
    registry.timer("proxy_reasoning_close_delay", new Tag("backend", backend)).update(closeDelay);
    registry
        .counter("proxy_reasoning_tokens_saved_estimate", new Tag("backend", backend))
        .inc(tokensSaved);
  }
}
