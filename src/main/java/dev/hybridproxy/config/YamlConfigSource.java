package dev.hybridproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The YAML configuration file as a MicroProfile Config source (SPEC §9), registered through {@code
 * META-INF/services}. Its ordinal, {@value #ORDINAL}, puts it above the built-in defaults ({@code
 * microprofile-config.properties}, 100) and below environment variables (300) and system properties
 * (400), so that defaults &lt; YAML &lt; environment &lt; command line.
 *
 * <p>The file is named by the system property {@code config_file} (what {@code bin/hybrid-proxy
 * --config} sets) or else the environment variable {@code CONFIG_FILE} (also in Liberty's {@code
 * server.env}). A config source cannot ask MicroProfile Config for its own location without
 * recursing into the configuration being built, so it reads exactly those two places itself.
 *
 * <p>A missing or malformed file does not break MicroProfile Config: the source is then empty and
 * remembers the {@link #problem()}, which {@link ProxyConfiguration} reports like any invalid
 * setting (the proxy refuses to serve and says why).
 */
public final class YamlConfigSource implements ConfigSource {
  /** Between the defaults (100) and environment variables (300). */
  public static final int ORDINAL = 250;

  /** The environment variable naming the file. */
  public static final String FILE_VARIABLE = "CONFIG_FILE";

  private static final Set<String> BUILT_IN_VARIABLES =
      BuiltInBackend.ALL.stream()
          .flatMap(b -> Stream.concat(b.keyVariable().stream(), Stream.of(b.urlVariable())))
          .collect(Collectors.toUnmodifiableSet());

  private final Optional<Path> file;
  private final Map<String, String> properties;
  private final Optional<String> problem;

  /** The file named by this JVM's system properties or environment, if any. */
  public YamlConfigSource() {
    this(configuredFile(System::getProperty, System::getenv));
  }

  /** The given file, if any; a problem reading it is kept, not thrown. */
  public YamlConfigSource(Optional<Path> file) {
    this.file = file.map(Path::toAbsolutePath);
    Map<String, String> read = Map.of();
    Optional<String> failure = Optional.empty();
    if (this.file.isPresent()) {
      try {
        read = YamlSettings.read(this.file.get());
      } catch (InvalidSettingException e) {
        failure = Optional.of(e.getMessage());
      }
    }
    this.properties = read;
    this.problem = failure;
  }

  /**
   * The file the configuration names: the system property {@code config_file}, else the environment
   * variable {@code CONFIG_FILE} (or {@code config_file}); blank means none.
   */
  static Optional<Path> configuredFile(
      UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
    for (String value :
        new String[] {
          systemProperties.apply(ConfigKeys.CONFIG_FILE),
          environment.apply(FILE_VARIABLE),
          environment.apply(ConfigKeys.CONFIG_FILE)
        }) {
      if (value != null && !value.isBlank()) {
        return Optional.of(Path.of(value.strip()));
      }
    }
    return Optional.empty();
  }

  /** The file this source read (absolute), if one is configured. */
  public Optional<Path> file() {
    return file;
  }

  /** Why the configured file could not be used, naming the file (and the line for bad YAML). */
  public Optional<String> problem() {
    return problem;
  }

  /**
   * Keys in the file that no part of the proxy reads (probably misspelt): not top-level keys, not
   * {@code backends.<name>.<field>}, not a built-in backend's key variable, not MicroProfile's own
   * {@code mp.*}. {@code config_file} is among them: a file cannot name another one.
   */
  public List<String> unknownKeys() {
    return properties.keySet().stream().filter(key -> !known(key)).sorted().toList();
  }

  private static boolean known(String key) {
    if ((ConfigKeys.isTopLevel(key) && !key.equals(ConfigKeys.CONFIG_FILE))
        || key.startsWith("mp.")) {
      return true;
    }
    String[] parts = key.split("\\.");
    if (parts.length == 3
        && parts[0].equals(SettingsReader.PREFIX)
        && ConfigKeys.isBackendField(parts[2].toLowerCase(Locale.ROOT))) {
      return true;
    }
    return BUILT_IN_VARIABLES.contains(key);
  }

  @Override
  public Map<String, String> getProperties() {
    return properties;
  }

  @Override
  public Set<String> getPropertyNames() {
    return properties.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return properties.get(propertyName);
  }

  @Override
  public String getName() {
    return "YAML configuration file " + file.map(Path::toString).orElse("(none)");
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
