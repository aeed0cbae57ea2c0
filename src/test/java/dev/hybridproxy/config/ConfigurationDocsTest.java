package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} and the packaged defaults in step with {@link ConfigKeys},
 * and {@link ConfigKeys} in step with what the readers actually read. The tables between the {@code
 * <!-- name:begin -->} and {@code <!-- name:end -->} markers are generated:
 *
 * <pre>mvn -o test -Dtest=ConfigurationDocsTest -Ddocs.update=true</pre>
 *
 * rewrites them.
 */
class ConfigurationDocsTest {
  private static final Path DOC = Path.of("docs", "configuration.md");

  @Test
  void theDocumentedTablesAreGeneratedFromTheKeyList() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("keys", keysTable());
    tables.put("backend-fields", backendFieldsTable());
    tables.put("built-in-backends", builtInsTable());
    String expected = doc;
    for (Map.Entry<String, String> table : tables.entrySet()) {
      expected = replaceBetweenMarkers(expected, table.getKey(), table.getValue());
    }
    if (Boolean.getBoolean("docs.update") && !expected.equals(doc)) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
      doc = expected;
    }

    assertThat(doc)
        .as(
            "docs/configuration.md is generated from ConfigKeys; run"
                + " mvn -o test -Dtest=ConfigurationDocsTest -Ddocs.update=true")
        .isEqualTo(expected);
  }

  private static String replaceBetweenMarkers(String doc, String name, String table) {
    String begin = "<!-- " + name + ":begin -->\n";
    String end = "<!-- " + name + ":end -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    assertThat(from).as("marker " + begin.strip() + " in " + DOC).isNotNegative();
    assertThat(to).as("marker " + end + " in " + DOC).isGreaterThan(from);
    return doc.substring(0, from + begin.length()) + table + doc.substring(to);
  }

  static String keysTable() {
    StringBuilder table =
        new StringBuilder(
            "| key | meaning | default | allowed | environment variable | command line | YAML |\n"
                + "|---|---|---|---|---|---|---|\n");
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      boolean file = key.name().equals(ConfigKeys.CONFIG_FILE);
      String yaml =
          file
              ? "—"
              : code(key.name())
                  + (key.seedLayout() ? " or " + code("backends." + key.name()) : "");
      String env = file ? code(YamlConfigSource.FILE_VARIABLE) : code(key.environmentVariable());
      table
          .append("| ")
          .append(code(key.name()))
          .append(" | ")
          .append(cell(key.meaning()))
          .append(" | ")
          .append(cell(key.defaultValue()))
          .append(" | ")
          .append(cell(key.range()))
          .append(" | ")
          .append(env)
          .append(" | ")
          .append(key.cliFlag().map(ConfigurationDocsTest::code).orElse(file ? "—" : "`-D`"))
          .append(" | ")
          .append(yaml)
          .append(" |\n");
    }
    return table.toString();
  }

  static String backendFieldsTable() {
    StringBuilder table =
        new StringBuilder(
            "| field | meaning | default | allowed | environment variable |\n"
                + "|---|---|---|---|---|\n");
    for (ConfigKeys.BackendField field : ConfigKeys.BACKEND_FIELDS) {
      table
          .append("| ")
          .append(code(field.name()))
          .append(" | ")
          .append(cell(field.meaning()))
          .append(" | ")
          .append(cell(field.defaultValue()))
          .append(" | ")
          .append(cell(field.range()))
          .append(" | ")
          .append(code("BACKENDS_<NAME>_" + ConfigKeys.environmentName(field.name())))
          .append(" |\n");
    }
    return table.toString();
  }

  static String builtInsTable() {
    StringBuilder table =
        new StringBuilder(
            "| name | type | default base URL | enabled by | base URL variable |\n"
                + "|---|---|---|---|---|\n");
    for (BuiltInBackend builtIn : BuiltInBackend.ALL) {
      String enabledBy =
          builtIn
              .keyVariable()
              .map(ConfigurationDocsTest::code)
              .orElse(
                  builtIn.type().equals("qwen-oauth")
                      ? "the Qwen CLI's credentials file, or any `backends.qwen-oauth.*` key"
                      : code(builtIn.urlVariable()));
      table
          .append("| ")
          .append(code(builtIn.name()))
          .append(" | ")
          .append(code(builtIn.type()))
          .append(" | ")
          .append(builtIn.defaultUrl())
          .append(" | ")
          .append(enabledBy)
          .append(" | ")
          .append(code(builtIn.urlVariable()))
          .append(" |\n");
    }
    return table.toString();
  }

  private static String code(String text) {
    return "`" + text.replace("|", "\\|") + "`";
  }

  /** Cell text: backquoted parts stay as written; a bare pipe would end the cell. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  @Test
  void thePackagedDefaultsAreTheDocumentedOnes() throws IOException {
    Properties defaults = new Properties();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/microprofile-config.properties")) {
      defaults.load(in);
    }
    for (String name : defaults.stringPropertyNames()) {
      Optional<ConfigKeys.Key> key = ConfigKeys.named(name);
      if (name.startsWith("mp.") && key.isEmpty()) {
        continue; // MicroProfile's own settings (OpenAPI, metrics)
      }
      assertThat(key).as("%s in microprofile-config.properties is in ConfigKeys", name).isPresent();
      assertThat(key.get().defaultValue())
          .as("documented default of %s", name)
          .isEqualTo(defaults.getProperty(name));
    }
  }

  /** Records every key a reader asks for. */
  private static final class RecordingSource implements SettingsSource {
    private final Map<String, String> values;
    private final Set<String> asked = new LinkedHashSet<>();

    RecordingSource(Map<String, String> values) {
      this.values = values;
    }

    @Override
    public Optional<String> get(String key) {
      asked.add(key);
      return Optional.ofNullable(values.get(key));
    }

    @Override
    public Iterable<String> names() {
      return values.keySet();
    }
  }

  @Test
  void theKeyListIsExactlyWhatTheReadersRead() {
    RecordingSource source =
        new RecordingSource(
            Map.of(
                "backends.plain.api_url", "http://127.0.0.1:1/v1",
                "backends.oauth.type", "qwen-oauth",
                "auth_mode", "api-key,jwt",
                "proxy_api_keys", "k",
                "mp.jwt.verify.issuer", "https://sso.test",
                "mp.jwt.verify.publickey", "-----BEGIN PUBLIC KEY-----",
                "planning_phase.enabled", "true",
                "planning_phase.strong_model", "plain:m"));
    SettingsReader reader = new SettingsReader(source);
    ProxySettings proxy = reader.read();
    new RoutingSettingsReader(source).read(proxy, reader.hybrid());
    new AuthSettingsReader(source).read();

    Set<String> builtInVariables =
        BuiltInBackend.ALL.stream()
            .flatMap(
                b ->
                    java.util.stream.Stream.concat(
                        b.keyVariable().stream(), java.util.stream.Stream.of(b.urlVariable())))
            .collect(Collectors.toSet());
    Set<String> topLevel = new TreeSet<>();
    Set<String> fields = new TreeSet<>();
    for (String key : source.asked) {
      if (key.startsWith("backends.")) {
        fields.add(key.substring(key.lastIndexOf('.') + 1));
      } else if (!builtInVariables.contains(key) && !key.equals("user.home")) {
        topLevel.add(key);
      }
    }

    Set<String> documented = new TreeSet<>();
    ConfigKeys.ALL.forEach(k -> documented.add(k.name()));
    documented.remove(ConfigKeys.CONFIG_FILE); // read by YamlConfigSource, before any reader
    assertThat(topLevel).isEqualTo(documented);
    assertThat(fields)
        .isEqualTo(
            ConfigKeys.BACKEND_FIELDS.stream()
                .map(ConfigKeys.BackendField::name)
                .collect(Collectors.toCollection(TreeSet::new)));
  }
}
