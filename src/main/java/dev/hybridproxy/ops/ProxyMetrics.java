package dev.hybridproxy.ops;

import dev.hybridproxy.engine.Telemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The proxy's metrics in the application registry (Prometheus text at {@code /metrics}). Label
 * values are bounded: backend names from configuration, routes and statuses the proxy defines, so
 * each metric is looked up in the registry once and then kept.
 */
@ApplicationScoped
public class ProxyMetrics implements Telemetry {
  private MetricRegistry registry;
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

  protected ProxyMetrics() {}

  @Inject
  public ProxyMetrics(
      @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void request(String route, String backend, int status, Duration duration) {
    counter("proxy_requests", "route", route, "backend", backend, "status", status(status)).inc();
    timer("proxy_request_duration", "route", route, "backend", backend).update(duration);
  }

  @Override
  public void upstreamCall(String backend, int status, Duration latency) {
    counter("proxy_upstream_calls", "backend", backend, "status", status(status)).inc();
    timer("proxy_upstream_latency", "backend", backend).update(latency);
  }

  @Override
  public void timeToFirstToken(String backend, Duration latency) {
    timer("proxy_time_to_first_token", "backend", backend).update(latency);
  }

  @Override
  public void hybridDecision(String status) {
    counter("proxy_hybrid_decisions", "status", status).inc();
  }

  @Override
  public void reasoningLeg(
      String backend, Duration duration, Duration closeDelay, long tokensSaved) {
    timer("proxy_reasoning_duration", "backend", backend).update(duration);
    timer("proxy_reasoning_close_delay", "backend", backend).update(closeDelay);
    counter("proxy_reasoning_tokens_saved_estimate", "backend", backend).inc(tokensSaved);
  }

  private static String status(int status) {
    return Integer.toString(status);
  }

  /** The counter {@code name} with tags given as name/value pairs. */
  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(key(name, tags), k -> registry.counter(name, tags(tags)));
  }

  private Timer timer(String name, String... tags) {
    return timers.computeIfAbsent(key(name, tags), k -> registry.timer(name, tags(tags)));
  }

  private static List<String> key(String name, String... tags) {
    String[] key = new String[tags.length + 1];
    key[0] = name;
    System.arraycopy(tags, 0, key, 1, tags.length);
    return List.of(key);
  }

  private static Tag[] tags(String... pairs) {
    Tag[] tags = new Tag[pairs.length / 2];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = new Tag(pairs[2 * i], pairs[2 * i + 1]);
    }
    return tags;
  }
}
