package dev.hybridproxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * MicroProfile Config's lookup rule without a runtime: the source with the highest ordinal that has
 * a non-empty value wins. With the sources below it stands in for the server's configuration: the
 * packaged defaults (100), the YAML file (250), environment variables (300, with MicroProfile's
 * name mapping) and system properties (400).
 */
final class LayeredConfig implements Config {
  private final List<ConfigSource> sources;

  LayeredConfig(ConfigSource... sources) {
    List<ConfigSource> ordered = new ArrayList<>(List.of(sources));
    ordered.sort(Comparator.comparingInt(ConfigSource::getOrdinal).reversed());
    this.sources = List.copyOf(ordered);
  }

  @Override
  public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
    if (type != String.class) {
      throw new UnsupportedOperationException("only String values: " + type);
    }
    for (ConfigSource source : sources) {
      String value = source.getValue(name);
      if (value != null && !value.isEmpty()) {
        return expand(value).map(type::cast);
      }
    }
    return Optional.empty();
  }

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");

  /**
   * Property expressions as Liberty's MicroProfile Config resolves them for an optional lookup:
   * {@code ${name}} becomes that property's value, and a value naming an undefined property reads
   * as no value at all.
   */
  private Optional<String> expand(String value) {
    Matcher expression = EXPRESSION.matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (expression.find()) {
      Optional<String> resolved = getOptionalValue(expression.group(1), String.class);
      if (resolved.isEmpty()) {
        return Optional.empty();
      }
      expression.appendReplacement(expanded, Matcher.quoteReplacement(resolved.get()));
    }
    expression.appendTail(expanded);
    return Optional.of(expanded.toString());
  }

  @Override
  public <T> T getValue(String name, Class<T> type) {
    return getOptionalValue(name, type).orElseThrow();
  }

  @Override
  public ConfigValue getConfigValue(String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterable<String> getPropertyNames() {
    Set<String> names = new LinkedHashSet<>();
    sources.forEach(s -> names.addAll(s.getPropertyNames()));
    return names;
  }

  @Override
  public Iterable<ConfigSource> getConfigSources() {
    return sources;
  }

  @Override
  public <T> Optional<Converter<T>> getConverter(Class<T> type) {
    return Optional.empty();
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    throw new IllegalArgumentException("nothing to unwrap");
  }

  /** A map as a source with the given ordinal. */
  static ConfigSource source(String name, int ordinal, Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new ConfigSource() {
      @Override
      public Set<String> getPropertyNames() {
        return copy.keySet();
      }

      @Override
      public String getValue(String key) {
        return copy.get(key);
      }

      @Override
      public String getName() {
        return name;
      }

      @Override
      public int getOrdinal() {
        return ordinal;
      }
    };
  }

  /** The packaged {@code META-INF/microprofile-config.properties}, ordinal 100. */
  static ConfigSource defaults() {
    Properties properties = new Properties();
    try (InputStream in =
        LayeredConfig.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
    return source("microprofile-config.properties", 100, values);
  }

  /** System properties, ordinal 400: what the launcher's {@code -D} options become. */
  static ConfigSource systemProperties(Map<String, String> values) {
    return source("system properties", 400, values);
  }

  /**
   * Environment variables, ordinal 300, found the way MicroProfile Config finds them: the exact
   * key, then every non-alphanumeric character as {@code _}, then that in upper case.
   */
  static ConfigSource environment(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return new ConfigSource() {
      @Override
      public Set<String> getPropertyNames() {
        return copy.keySet();
      }

      @Override
      public String getValue(String key) {
        String sanitized = key.replaceAll("[^A-Za-z0-9_]", "_");
        for (String candidate :
            List.of(key, sanitized, sanitized.toUpperCase(java.util.Locale.ROOT))) {
          if (copy.containsKey(candidate)) {
            return copy.get(candidate);
          }
        }
        return null;
      }

      @Override
      public String getName() {
        return "environment";
      }

      @Override
      public int getOrdinal() {
        return 300;
      }
    };
  }
}
