package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hybridproxy.engine.ModelAliases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bin/hybrid-proxy}: the seed's flags become system properties (SPEC §9). */
class HybridProxyLauncherTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsBash() {
    assumeTrue(Launcher.available(), "bash and bin/hybrid-proxy");
  }

  @Test
  void mapsTheSeedsTroubleshootingCommandLine() {
    Launcher.Run run =
        Launcher.run(
            "--dry-run",
            "--reasoning-injection-probability",
            "0.5",
            "--hybrid-backend-repeat-messages");

    assertThat(run.exitCode()).isZero();
    assertThat(run.properties())
        .containsExactly(
            Map.entry("reasoning_injection_probability", "0.5"),
            Map.entry("hybrid_backend_repeat_messages", "true"));
    assertThat(run.stdout()).contains("target/liberty/wlp/bin/server run hybridProxy");
  }

  static Stream<ConfigKeys.Key> keysWithFlags() {
    return ConfigKeys.ALL.stream().filter(k -> k.cliFlag().isPresent());
  }

  @ParameterizedTest
  @MethodSource("keysWithFlags")
  void everyDocumentedFlagSetsItsKey(ConfigKeys.Key key) throws IOException {
    String[] flag = key.cliFlag().get().split(" ");
    Path file = Files.writeString(dir.resolve("proxy.yaml"), "");
    String value =
        switch (key.name()) {
          case ConfigKeys.CONFIG_FILE -> file.toRealPath().toString();
          case ConfigKeys.MODEL_ALIASES -> "coder=openai:gpt-4o";
          default -> "7";
        };
    Launcher.Run run =
        flag.length == 1
            ? Launcher.run("--dry-run", flag[0])
            : Launcher.run("--dry-run", flag[0], value);

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String expected =
        switch (key.name()) {
          case ConfigKeys.MODEL_ALIASES -> "[\"coder=openai:gpt-4o\"]";
          default -> flag.length == 1 ? "true" : value;
        };
    assertThat(run.properties()).containsExactly(Map.entry(key.name(), expected));
  }

  @Test
  void takesValuesAfterAnEqualsSignToo() {
    Launcher.Run run =
        Launcher.run(
            "--dry-run",
            "--hybrid-reasoning-force-initial-turns=2",
            "--hybrid-reasoning-model-timeout=30",
            "--hybrid-execution-model-timeout=90",
            "--disable-hybrid-backend");

    assertThat(run.properties())
        .containsExactly(
            Map.entry("hybrid_reasoning_force_initial_turns", "2"),
            Map.entry("hybrid_reasoning_model_timeout", "30"),
            Map.entry("hybrid_execution_model_timeout", "90"),
            Map.entry("disable_hybrid_backend", "true"));
  }

  @Test
  void passesAnyOtherKeyWithMinusD() {
    Launcher.Run run =
        Launcher.run(
            "--dry-run",
            "-D",
            "planning_phase.enabled=true",
            "-Dplanning_phase.strong_model=openai:o3?reasoning_effort=high");

    assertThat(run.properties())
        .containsExactly(
            Map.entry("planning_phase.enabled", "true"),
            Map.entry("planning_phase.strong_model", "openai:o3?reasoning_effort=high"));
  }

  @Test
  void passesRepeatedAliasesAsOneOrderedList() {
    Launcher.Run run =
        Launcher.run(
            "--dry-run",
            "--model-alias",
            "coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]",
            "--model-alias",
            "gpt-(.*)=openrouter:openai/gpt-$1",
            "--model-alias",
            "fast=openai:gpt-4o?temperature=0.2",
            "--model-alias",
            "q\"uo\\te=openai:x");

    String aliases = run.properties().get("model_aliases");
    ModelAliases parsed =
        new RoutingSettingsReader(
                new SettingsSource() {
                  @Override
                  public java.util.Optional<String> get(String key) {
                    return java.util.Optional.ofNullable(
                        key.equals("model_aliases") ? aliases : null);
                  }

                  @Override
                  public Iterable<String> names() {
                    return List.of("model_aliases");
                  }
                })
            .aliases();
    assertThat(parsed.rules().stream().map(Object::toString))
        .containsExactly(
            "coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]",
            "gpt-(.*)=openrouter:openai/gpt-$1",
            "fast=openai:gpt-4o?temperature=0.2",
            "q\"uo\\te=openai:x");
  }

  @Test
  void theServerScriptReadsBackEveryPropertyIntact() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
    Launcher.Run run =
        Launcher.run(
            Map.of("JVM_ARGS", "-Xmx512m"),
            "--dry-run",
            "--model-alias",
            "it's=openai:a b",
            "-D",
            "odd=$HOME `date` \"q\" \\ *");
    String jvmArgs = run.environment().get("JVM_ARGS");

    // Liberty's bin/server runs: eval "set -- ... ${JVM_ARGS} -jar ..."
    ProcessBuilder withEnv =
        new ProcessBuilder("/bin/sh", "-c", "eval \"set -- ${JVM_ARGS}\"; printf '%s\\n' \"$@\"");
    withEnv.environment().put("JVM_ARGS", jvmArgs);
    Process process = withEnv.redirectErrorStream(true).start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String words = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(words.split("\n"))
        .containsExactly(
            "-Xmx512m", "-Dodd=$HOME `date` \"q\" \\ *", "-Dmodel_aliases=[\"it's=openai:a b\"]");
  }

  @Test
  void setsThePortForTheServer() {
    assertThat(Launcher.run("--dry-run", "--port", "8081").environment())
        .containsEntry("HTTP_PORT", "8081");
  }

  @Test
  void givesTheConfigFileAsAnAbsolutePath() throws IOException {
    Files.writeString(dir.resolve("proxy.yaml"), "disable_hybrid_backend: true\n");
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("proxy.yaml"));

    Launcher.Run run = Launcher.run("--dry-run", "--config", relative.toString());

    assertThat(run.properties())
        .containsEntry("config_file", dir.resolve("proxy.yaml").toRealPath().toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--verbose | unknown option '--verbose'",
        "--reasoning-injection-probability | --reasoning-injection-probability needs a value",
        "--reasoning-injection-probability --hybrid-backend-repeat-messages"
            + " | --reasoning-injection-probability needs a value",
        "--model-alias coder | --model-alias needs PATTERN=REPLACEMENT",
        "--port 70000 | --port needs a port number from 1 to 65535",
        "--port 80a | --port needs a port number",
        "--config /nonexistent/proxy.yaml | --config /nonexistent/proxy.yaml: no such readable file",
        "--disable-hybrid-backend=false | --disable-hybrid-backend takes no value",
        "-D novalue | -D needs KEY=VALUE",
        "serve | unknown option 'serve'",
      })
  void refusesABadCommandLineWithUsageAndExitCode2(String args, String message) {
    Launcher.Run run = Launcher.run(args.split(" "));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr())
        .contains("hybrid-proxy: " + message)
        .contains("Usage: bin/hybrid-proxy");
    assertThat(run.stdout()).isEmpty();
  }

  @Test
  void explainsItselfOnHelp() {
    Launcher.Run run = Launcher.run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).startsWith("Usage: bin/hybrid-proxy");
    keysWithFlags()
        .forEach(k -> assertThat(run.stdout()).contains(k.cliFlag().get().split(" ")[0] + " "));
    assertThat(run.stdout()).contains("--port N", "--help");
  }
}
