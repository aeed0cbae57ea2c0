package dev.hybridproxy.config;

import dev.hybridproxy.auth.ApiKeys;
import dev.hybridproxy.auth.AuthMode;
import dev.hybridproxy.auth.ClientAuthenticator;
import dev.hybridproxy.auth.FailureLockout;
import dev.hybridproxy.auth.JwtKeys;
import dev.hybridproxy.auth.JwtVerifier;
import dev.hybridproxy.backend.Backends;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.BackendQuirks;
import dev.hybridproxy.engine.BackendRegistry;
import dev.hybridproxy.engine.ChatCompletions;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.HybridEngine;
import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ModelCatalog;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.ReasoningPolicy;
import dev.hybridproxy.engine.Telemetry;
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
import java.util.function.Supplier;
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
  private AuthSettings authSettings;
  private ClientAuthenticator authenticator;

  protected ProxyConfiguration() {}

  private Telemetry telemetry;

  @Inject
  public ProxyConfiguration(Config config, Telemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
  }

  /**
   * What health checks and the configuration gate need to know.
   *
   * @param read whether the configuration was read (successfully or not)
   * @param backends how many backends are configured
   * @param problem why the proxy cannot serve, if it cannot
   */
  public record State(boolean read, int backends, Optional<String> problem) {}

  private volatile State state = new State(false, 0, Optional.empty());

  /**
   * Reads and validates the configuration when the application starts. A bad value is logged as an
   * error naming the key, readiness reports it, and every API request is refused with 503 and the
   * same reason: nothing serves half-configured.
   */
  void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
    try {
      engine();
    } catch (ProxyException e) {
      // already logged and recorded
    }
  }

  public State state() {
    return state;
  }

  /** Runs the start-up step outside a container (unit tests of health and configuration). */
  public void onStartForTest() {
    onStart(this);
  }

  /** Releases what {@link #onStartForTest()} built. */
  public void closeForTest() {
    close();
  }

  private synchronized void engine() {
    if (chatCompletions != null) {
      return;
    }
    if (state.problem().isPresent()) {
      throw notConfigured(state.problem().get());
    }
    try {
      build();
      state = new State(true, settings.backends().size(), Optional.empty());
    } catch (InvalidSettingException | IllegalArgumentException e) {
      close();
      chatCompletions = null;
      state = new State(true, 0, Optional.of(e.getMessage()));
      LOG.log(Level.ERROR, "hybrid-llm-proxy is NOT serving: {0}", e.getMessage());
      throw notConfigured(e.getMessage());
    }
  }

  private static ProxyException notConfigured(String problem) {
    return ProxyException.of(ErrorKind.UNAVAILABLE, "The proxy is not configured: " + problem);
  }

  private void build() {
    MicroProfileSource source = new MicroProfileSource(config);
    SettingsReader reader = new SettingsReader(source);
    settings = reader.read();
    HybridSettings hybrid = reader.hybrid();
    authSettings = new AuthSettingsReader(source).read();
    authenticator = authenticator(authSettings);
    workers = Workers.create();
    http =
        new UpstreamHttp(
            new StallGuard(workers.timers(), Duration.ofMillis(250), System::nanoTime), telemetry);
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
            Clock.systemUTC(),
            telemetry);
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

  private static ClientAuthenticator authenticator(AuthSettings auth) {
    Optional<JwtVerifier> jwt =
        auth.jwt()
            .map(
                j -> {
                  Supplier<JwtKeys> keys =
                      j.publicKey().isPresent()
                          ? keysOf(j.publicKey().get())
                          : new JwksSource(j.publicKeyLocation().orElseThrow(), Clock.systemUTC());
                  keys.get();
                  return new JwtVerifier(
                      keys, j.issuer(), j.audiences(), j.clockSkew(), Clock.systemUTC());
                });
    if (auth.modes().contains(AuthMode.NONE)) {
      LOG.log(
          Level.WARNING,
          "No client authentication is configured (auth_mode=none): the proxy listens on"
              + " localhost only and serves requests from this machine only. Set auth_mode=api-key"
              + " with proxy_api_keys, or auth_mode=jwt, and HTTP_HOST=* to serve others.");
    } else {
      LOG.log(Level.INFO, "Client authentication: auth_mode={0}", auth.label());
    }
    return new ClientAuthenticator(
        auth.modes(),
        new ApiKeys(auth.apiKeys()),
        jwt,
        new FailureLockout(
            auth.lockoutFailures(),
            auth.lockoutWindow(),
            auth.lockoutDuration(),
            Clock.systemUTC(),
            10_000));
  }

  private static Supplier<JwtKeys> keysOf(String text) {
    try {
      JwtKeys keys = JwtKeys.parse(text);
      return () -> keys;
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          "mp.jwt.verify.publickey: not a usable PEM public key, JWK or JWK Set");
    }
  }

  @Produces
  public AuthSettings authSettings() {
    engine();
    return authSettings;
  }

  @Produces
  public ClientAuthenticator clientAuthenticator() {
    engine();
    return authenticator;
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
