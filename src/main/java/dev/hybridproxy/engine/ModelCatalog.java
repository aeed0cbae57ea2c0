package dev.hybridproxy.engine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The model list of {@code GET /v1/models}: {@code backend:model} for every configured backend,
 * fetched from each upstream in parallel and cached. A backend that fails or is slow contributes
 * what it listed last time (or nothing) instead of failing the whole list.
 */
public final class ModelCatalog {
  private static final Logger LOG = System.getLogger(ModelCatalog.class.getName());

  /** One entry of the list. */
  public record Entry(String id, long created, String ownedBy) {}

  private record Cached(List<String> models, Instant fetched) {}

  private final BackendRegistry backends;
  private final List<String> aliases;
  private final Executor executor;
  private final Clock clock;
  private final Duration ttl;
  private final Duration wait;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<List<String>>> inFlight = new ConcurrentHashMap<>();

  public ModelCatalog(
      BackendRegistry backends,
      List<String> aliases,
      Executor executor,
      Clock clock,
      Duration ttl,
      Duration wait) {
    this.backends = backends;
    this.aliases = List.copyOf(aliases);
    this.executor = executor;
    this.clock = clock;
    this.ttl = ttl;
    this.wait = wait;
  }

  public List<Entry> list() {
    Instant now = clock.instant();
    Map<Backend, CompletableFuture<List<String>>> lookups = new LinkedHashMap<>();
    for (Backend backend : backends.all()) {
      Cached cached = cache.get(backend.name());
      if (cached != null && cached.fetched().plus(ttl).isAfter(now)) {
        lookups.put(backend, CompletableFuture.completedFuture(cached.models()));
      } else {
        lookups.put(backend, fetch(backend));
      }
    }
    long created = now.getEpochSecond();
    List<Entry> entries = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    for (Map.Entry<Backend, CompletableFuture<List<String>>> lookup : lookups.entrySet()) {
      String name = lookup.getKey().name();
      List<String> models = awaitModels(name, lookup.getValue(), deadline);
      for (String model : models) {
        entries.add(new Entry(name + ":" + model, created, name));
      }
    }
    for (String alias : aliases) {
      entries.add(new Entry(alias, created, "hybrid-llm-proxy"));
    }
    return entries;
  }

  private CompletableFuture<List<String>> fetch(Backend backend) {
    return inFlight.computeIfAbsent(
        backend.name(),
        name -> {
          CompletableFuture<List<String>> future =
              CompletableFuture.supplyAsync(backend::models, executor);
          future.whenComplete(
              (models, failure) -> {
                inFlight.remove(name);
                if (failure == null) {
                  cache.put(name, new Cached(List.copyOf(models), clock.instant()));
                } else {
                  LOG.log(
                      Level.WARNING,
                      "Listing the models of backend {0} failed: {1}",
                      name,
                      PlainStream.asProxyException(failure).getMessage());
                }
              });
          return future;
        });
  }

  private List<String> awaitModels(
      String name, CompletableFuture<List<String>> lookup, long deadlineNanos) {
    try {
      long remaining = Math.max(0, deadlineNanos - System.nanoTime());
      return lookup.get(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // a failing or slow backend contributes its last known list
    }
    Cached cached = cache.get(name);
    return cached == null ? List.of() : cached.models();
  }
}
