package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs after every integration test and after the test server stopped (its own failsafe execution,
 * see pom.xml): with the proxy's packages logging at every level (src/test/liberty/
 * reliability-logging.xml), no upstream key, client key or token of the test environment appears in
 * any server log file: messages, trace, console, FFDC. Secrets are read from the server's own
 * environment, so a key added there is audited without touching this class; recognisable shapes
 * (the fake-key prefixes, JWTs) catch secrets that tests make up at run time.
 */
class SecretsLogAudit {
  private static final Path SERVER =
      Path.of(System.getProperty("it.servers.dir"), System.getProperty("it.server.name"));

  /** Shapes of every fake secret the suite uses, and of any JWT (tokens made up by AuthIT). */
  private static final List<Pattern> SHAPES =
      List.of(
          Pattern.compile("sk-it-[A-Za-z0-9-]{4,}"),
          Pattern.compile("sk-ant-it-[A-Za-z0-9-]{4,}"),
          Pattern.compile("AIza-it-[A-Za-z0-9-]{4,}"),
          Pattern.compile("qwen-(?:it-)?FAKE-[A-Za-z0-9-]{4,}"),
          Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]+"));

  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i)^[A-Z0-9_]*(API_KEYS?|TOKEN|SECRET|PASSWORD)[A-Z0-9_]*=(.+)$");

  private static List<Path> logs;

  @BeforeAll
  static void findLogs() throws IOException {
    try (Stream<Path> files = Files.walk(SERVER.resolve("logs"))) {
      logs = files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void auditsARealServerRunWithDebugLoggingOn() throws IOException {
    assertThat(logs).extracting(p -> p.getFileName().toString()).contains("messages.log");
    Path trace = SERVER.resolve("logs/trace.log");
    assertThat(trace).as("debug logging was on for the whole suite").exists();
    assertThat(Files.readString(trace, StandardCharsets.ISO_8859_1))
        .as("the proxy's own debug lines reached the trace")
        .contains("dev.hybridproxy");
  }

  @Test
  void noConfiguredSecretAppearsInAnyLogLine() throws IOException {
    Set<String> secrets = configuredSecrets();
    assertThat(secrets).as("secrets of server.env").isNotEmpty();
    List<String> leaks = new ArrayList<>();
    for (Path log : logs) {
      forEachLine(
          log,
          (number, line) -> {
            for (String secret : secrets) {
              if (line.contains(secret)) {
                leaks.add(where(log, number, line));
              }
            }
          });
    }
    assertThat(leaks).as("log lines holding a configured secret").isEmpty();
  }

  @Test
  void nothingShapedLikeAKeyOrTokenAppearsInAnyLogLine() {
    List<String> leaks = new ArrayList<>();
    for (Path log : logs) {
      forEachLine(
          log,
          (number, line) -> {
            for (Pattern shape : SHAPES) {
              if (shape.matcher(line).find()) {
                leaks.add(where(log, number, line));
              }
            }
          });
    }
    assertThat(leaks).as("log lines holding something shaped like a key or token").isEmpty();
  }

  /** Values of the server environment's key, token and secret variables, and the Qwen tokens. */
  private static Set<String> configuredSecrets() throws IOException {
    Set<String> secrets = new LinkedHashSet<>();
    for (String line : Files.readAllLines(SERVER.resolve("server.env"))) {
      Matcher matcher = SECRET_KEY.matcher(line.strip());
      if (matcher.matches()) {
        for (String value : matcher.group(2).split(",")) {
          if (value.strip().length() >= 8) {
            secrets.add(value.strip());
          }
        }
      }
    }
    Path qwen = Path.of("target/it-qwen/oauth_creds.json");
    if (Files.exists(qwen)) {
      Matcher token =
          Pattern.compile("\"(?:access_token|refresh_token)\"\\s*:\\s*\"([^\"]{8,})\"")
              .matcher(Files.readString(qwen));
      while (token.find()) {
        secrets.add(token.group(1));
      }
    }
    return secrets;
  }

  private interface LineVisitor {
    void visit(int number, String line);
  }

  private static void forEachLine(Path log, LineVisitor visitor) {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      int[] number = {0};
      lines.forEach(line -> visitor.visit(++number[0], line));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String where(Path log, int number, String line) {
    return SERVER.relativize(log)
        + ":"
        + number
        + ": "
        + (line.length() > 300 ? line.substring(0, 300) + "..." : line);
  }
}
