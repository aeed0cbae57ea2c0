package dev.hybridproxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/hybrid-proxy} (with {@code --dry-run} to see what it would start). */
final class Launcher {
  static final Path SCRIPT = Path.of("bin", "hybrid-proxy").toAbsolutePath();

  /**
   * What one run printed.
   *
   * @param properties the system properties it passes ({@code property k=v} lines)
   * @param environment the environment it sets for the server ({@code env K=V} lines)
   */
  record Run(
      int exitCode,
      String stdout,
      String stderr,
      Map<String, String> properties,
      Map<String, String> environment) {}

  private Launcher() {}

  static boolean available() {
    return Files.isExecutable(Path.of("/bin/bash")) && Files.isRegularFile(SCRIPT);
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  static Run run(Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of("/bin/bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("JVM_ARGS");
    builder.environment().putAll(environment);
    try {
      Path out = Files.createTempFile("launcher", ".out");
      Path err = Files.createTempFile("launcher", ".err");
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("bin/hybrid-proxy did not finish: " + command);
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      Files.delete(out);
      Files.delete(err);
      Map<String, String> properties = new LinkedHashMap<>();
      Map<String, String> env = new LinkedHashMap<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("property ")) {
          String pair = line.substring("property ".length());
          properties.put(
              pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        } else if (line.startsWith("env ")) {
          String pair = line.substring("env ".length());
          env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
      }
      return new Run(process.exitValue(), stdout, stderr, properties, env);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
