package dev.hybridproxy.config;

import dev.hybridproxy.backend.Backends;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.BackendQuirks;
import dev.hybridproxy.engine.BackendRegistry;
import dev.hybridproxy.engine.ChatCompletions;
import dev.hybridproxy.engine.HybridEngine;
import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ModelCatalog;
import dev.hybridproxy.engine.ReasoningPolicy;
import dev.hybridproxy.engine.Workers;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.Config;

/**
 * Reads MicroProfile Config once at start-up, validates it and builds the engine from it. A bad
 * value fails the deployment with a message naming the key; nothing starts half-configured.
 */
@ApplicationScoped
public class ProxyConfiguration {
  private static final Logger LOG = System.getLogger(ProxyConfiguration.class.getName());

  private Config config;
  private ProxySettings settings;
  private Workers workers;
  private UpstreamHttp http;
  private HybridEngine hybridEngine;
  private ChatCompletions chatCompletions;
  private ModelCatalog modelCatalog;

  protected ProxyConfiguration() {}

  @Inject
  public ProxyConfiguration(Config config) {
    this.config = config;
  }

  /** Builds everything when the application starts, so that bad configuration stops it. */
  void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
    engine();
  }

  private synchronized void engine() {
    if (chatCompletions != null) {
      return;
    }
    SettingsReader reader = new SettingsReader(new MicroProfileSource(config));
    settings = reader.read();
    HybridSettings hybrid = reader.hybrid();
    workers = Workers.create();
    http =
        new UpstreamHttp(
            new StallGuard(workers.timers(), Duration.ofMillis(250), System::nanoTime));
    List<Backend> backends =
        settings.backends().stream().map(b -> Backends.create(b, http)).toList();
    BackendRegistry registry = new BackendRegistry(backends, settings.defaultBackend());
    BackendQuirks quirks = new BackendQuirks();
    for (BackendSettings backend : settings.backends()) {
      quirks =
          quirks.with(
              backend.name(),
              backend.type(),
              backend.systemMessages(),
              backend.reasoningParams(),
              backend.executionParams());
    }
    hybridEngine =
        new HybridEngine(
            registry,
            quirks,
            hybrid,
            ReasoningPolicy.from(hybrid, () -> ThreadLocalRandom.current().nextDouble()),
            workers.streams(),
            workers.timers(),
            System::nanoTime,
            Clock.systemUTC());
    chatCompletions = new ChatCompletions(registry, hybridEngine, workers.streams());
    modelCatalog =
        new ModelCatalog(
            registry,
            List.of(),
            workers.streams(),
            Clock.systemUTC(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(10));
    LOG.log(
        Level.INFO,
        "hybrid-llm-proxy configured with backends: {0}",
        settings.backends().isEmpty()
            ? "(none)"
            : String.join(
                ", ",
                settings.backends().stream().map(b -> b.name() + " (" + b.type() + ")").toList()));
  }

  @Produces
  public ProxySettings settings() {
    engine();
    return settings;
  }

  @Produces
  public ChatCompletions chatCompletions() {
    engine();
    return chatCompletions;
  }

  /** The hybrid backend, built from the §9 keys; {@link ChatCompletions} routes to it. */
  @Produces
  public HybridEngine hybridEngine() {
    engine();
    return hybridEngine;
  }

  @Produces
  public ModelCatalog modelCatalog() {
    engine();
    return modelCatalog;
  }

  @Produces
  public Workers workers() {
    engine();
    return workers;
  }

  @PreDestroy
  void close() {
    if (http != null) {
      http.stallGuard().close();
      http.close();
    }
    if (workers != null) {
      workers.close();
    }
  }

  /** MicroProfile Config as a settings source. */
  private record MicroProfileSource(Config config) implements SettingsSource {
    @Override
    public Optional<String> get(String key) {
      return config.getOptionalValue(key, String.class);
    }

    @Override
    public Iterable<String> names() {
      return config.getPropertyNames();
    }
  }
}
