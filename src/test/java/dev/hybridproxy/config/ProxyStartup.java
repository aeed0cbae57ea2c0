package dev.hybridproxy.config;

import dev.hybridproxy.engine.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Starts {@link ProxyConfiguration} the way the server does, from the four layers of SPEC §9: the
 * packaged defaults, a YAML file, environment variables and the launcher's system properties. Every
 * configuration started here is closed by {@link #close()}.
 */
final class ProxyStartup implements AutoCloseable {
  /** One backend, declared in the environment as the integration-test server does. */
  static final Map<String, String> MOCK_BACKEND =
      Map.of(
          "BACKENDS_MOCK_TYPE", "openai",
          "BACKENDS_MOCK_API_URL", "http://127.0.0.1:9/v1",
          "BACKENDS_MOCK_API_KEY", "sk-test-FAKE-mock",
          "BACKENDS_MOCK_MODELS", "m1,big");

  private final Path dir;
  private final List<ProxyConfiguration> started = new ArrayList<>();

  ProxyStartup(Path dir) {
    this.dir = dir;
  }

  /**
   * @param yaml the YAML file's text, or null for no file
   * @param environment environment variables on top of {@link #MOCK_BACKEND}
   * @param systemProperties system properties, as the launcher passes them
   */
  ProxyConfiguration start(
      String yaml, Map<String, String> environment, Map<String, String> systemProperties) {
    Optional<Path> file = Optional.empty();
    if (yaml != null) {
      try {
        file = Optional.of(Files.writeString(Files.createTempFile(dir, "proxy", ".yaml"), yaml));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    return start(new YamlConfigSource(file), environment, systemProperties);
  }

  ProxyConfiguration start(
      ConfigSource yaml, Map<String, String> environment, Map<String, String> systemProperties) {
    Map<String, String> env = new LinkedHashMap<>(MOCK_BACKEND);
    env.putAll(environment);
    ProxyConfiguration configuration =
        new ProxyConfiguration(
            new LayeredConfig(
                LayeredConfig.defaults(),
                yaml,
                LayeredConfig.environment(env),
                LayeredConfig.systemProperties(systemProperties)),
            Telemetry.NONE);
    configuration.onStart(null);
    started.add(configuration);
    return configuration;
  }

  /** Starts with the system properties {@code bin/hybrid-proxy} passes for these arguments. */
  ProxyConfiguration launch(String yaml, Map<String, String> environment, String... args) {
    List<String> dryRun = new ArrayList<>(List.of("--dry-run"));
    dryRun.addAll(List.of(args));
    Launcher.Run run = Launcher.run(dryRun.toArray(String[]::new));
    if (run.exitCode() != 0) {
      throw new AssertionError("bin/hybrid-proxy " + List.of(args) + ": " + run.stderr());
    }
    return start(yaml, environment, run.properties());
  }

  @Override
  public void close() {
    started.forEach(ProxyConfiguration::close);
  }
}
