package dev.hybridproxy.config;

import dev.hybridproxy.backend.Backends;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.BackendRegistry;
import dev.hybridproxy.engine.ChatCompletions;
import dev.hybridproxy.engine.ModelCatalog;
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
    settings = new SettingsReader(new MicroProfileSource(config)).read();
    workers = Workers.create();
    http =
        new UpstreamHttp(
            new StallGuard(workers.timers(), Duration.ofMillis(250), System::nanoTime));
    List<Backend> backends =
        settings.backends().stream().map(b -> Backends.create(b, http)).toList();
    BackendRegistry registry = new BackendRegistry(backends, settings.defaultBackend());
    chatCompletions = new ChatCompletions(registry, workers.streams());
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
