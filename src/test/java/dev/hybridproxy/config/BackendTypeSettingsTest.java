package dev.hybridproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings of the anthropic, gemini, qwen-oauth and openai reasoning-model wire types. */
class BackendTypeSettingsTest {
  @TempDir Path home;

  private record MapSource(Map<String, String> values) implements SettingsSource {
    @Override
    public Optional<String> get(String key) {
      return Optional.ofNullable(values.get(key));
    }

    @Override
    public Iterable<String> names() {
      return values.keySet();
    }
  }

  private static ProxySettings read(String... keyValues) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return new SettingsReader(new MapSource(values)).read();
  }

  private static BackendSettings backend(ProxySettings settings, String name) {
    return settings.backends().stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no backend " + name + " in " + settings));
  }

  @Test
  void enablesTheAnthropicAndGeminiBuiltInsByTheirKeys() {
    ProxySettings settings =
        read("ANTHROPIC_API_KEY", "sk-ant-FAKE-0000", "GEMINI_API_KEY", "AIzaFAKE0000");

    assertThat(backend(settings, "anthropic").type()).isEqualTo("anthropic");
    assertThat(backend(settings, "anthropic").apiUrl())
        .isEqualTo(URI.create("https://api.anthropic.com/v1"));
    assertThat(backend(settings, "gemini").type()).isEqualTo("gemini");
    assertThat(backend(settings, "gemini").apiUrl())
        .isEqualTo(URI.create("https://generativelanguage.googleapis.com"));
  }

  @Test
  void declaresCustomBackendsOfTheNewTypesByEnvironmentVariables() {
    ProxySettings settings =
        read(
            "BACKENDS_CLAUDE_TYPE", "anthropic",
            "BACKENDS_CLAUDE_API_URL", "http://127.0.0.1:1/v1",
            "BACKENDS_GEM_TYPE", "GEMINI",
            "BACKENDS_GEM_API_URL", "http://127.0.0.1:2");

    assertThat(backend(settings, "claude").type()).isEqualTo("anthropic");
    assertThat(backend(settings, "gem").type()).isEqualTo("gemini");
    assertThat(backend(settings, "claude").responsesModels()).isEmpty();
    assertThat(backend(settings, "claude").oauth()).isEmpty();
  }

  @Test
  void namesEveryTypeWhenOneIsUnknown() {
    assertThatThrownBy(() -> read("BACKENDS_X_TYPE", "cohere", "BACKENDS_X_API_URL", "http://h"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("openai, anthropic, gemini, qwen-oauth");
  }

  @Test
  void sendsReasoningModelsOfOpenAiTypeBackendsThroughTheResponsesApiByDefault() {
    ProxySettings settings =
        read(
            "OPENAI_API_KEY", "sk-FAKE-0000",
            "BACKENDS_AZURE_API_URL", "https://example.openai.azure.com/openai/v1",
            "BACKENDS_AZURE_RESPONSES_MODELS", "my-o3-deployment|gpt-5.*",
            "BACKENDS_LOCAL_API_URL", "http://localhost:1/v1",
            "BACKENDS_LOCAL_RESPONSES_MODELS", "none");

    assertThat(backend(settings, "openai").responsesModels().orElseThrow().pattern())
        .isEqualTo(SettingsReader.DEFAULT_RESPONSES_MODELS);
    assertThat(
            backend(settings, "azure")
                .responsesModels()
                .orElseThrow()
                .matcher("my-o3-deployment")
                .matches())
        .isTrue();
    assertThat(backend(settings, "local").responsesModels()).isEmpty();
  }

  @Test
  void stopsOnAResponsesModelsPatternThatIsNoRegex() {
    assertThatThrownBy(
            () -> read("BACKENDS_X_API_URL", "http://h/v1", "BACKENDS_X_RESPONSES_MODELS", "o(1"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("backends.x.responses_models=o(1");
  }

  @Test
  void enablesQwenOAuthWhenTheQwenCliHasSignedIn() throws Exception {
    assertThat(read("user.home", home.toString()).backends()).isEmpty();

    Files.createDirectories(home.resolve(".qwen"));
    Files.writeString(home.resolve(".qwen/oauth_creds.json"), "{}");
    BackendSettings qwen = backend(read("user.home", home.toString()), "qwen-oauth");

    assertThat(qwen.type()).isEqualTo("qwen-oauth");
    assertThat(qwen.apiUrl()).isEqualTo(URI.create("https://portal.qwen.ai/v1"));
    assertThat(qwen.apiKey()).isEmpty();
    BackendSettings.OAuth oauth = qwen.oauth().orElseThrow();
    assertThat(oauth.credentialsFile()).isEqualTo(home.resolve(".qwen/oauth_creds.json"));
    assertThat(oauth.tokenUrl()).isEqualTo(URI.create("https://chat.qwen.ai/api/v1/oauth2/token"));
    assertThat(oauth.clientId()).isEqualTo("f0304373b74a44d2b584a3fb70ca9e56");
    assertThat(qwen.responsesModels()).isEmpty();
  }

  @Test
  void enablesQwenOAuthByAnyOfItsKeysAndReadsThemAll() {
    BackendSettings qwen =
        backend(
            read(
                "user.home", home.toString(),
                "BACKENDS_QWEN_OAUTH_CREDENTIALS_FILE", "~/creds/qwen.json",
                "BACKENDS_QWEN_OAUTH_TOKEN_URL", "http://127.0.0.1:9/api/v1/oauth2/token",
                "BACKENDS_QWEN_OAUTH_CLIENT_ID", "test-client"),
            "qwen-oauth");

    BackendSettings.OAuth oauth = qwen.oauth().orElseThrow();
    assertThat(oauth.credentialsFile()).isEqualTo(home.resolve("creds/qwen.json"));
    assertThat(oauth.tokenUrl()).isEqualTo(URI.create("http://127.0.0.1:9/api/v1/oauth2/token"));
    assertThat(oauth.clientId()).isEqualTo("test-client");
    assertThat(backend(read("backends.qwen-oauth.timeout", "30"), "qwen-oauth").type())
        .isEqualTo("qwen-oauth");
  }

  @Test
  void declaresACustomQwenOAuthBackendByItsCredentialsFile() {
    BackendSettings custom =
        backend(
            read(
                "BACKENDS_QWEN_WORK_TYPE", "qwen-oauth",
                "BACKENDS_QWEN_WORK_CREDENTIALS_FILE", "/etc/proxy/qwen-work.json"),
            "qwen-work");

    assertThat(custom.apiUrl()).isEqualTo(URI.create("https://portal.qwen.ai/v1"));
    assertThat(custom.oauth().orElseThrow().credentialsFile())
        .isEqualTo(Path.of("/etc/proxy/qwen-work.json"));
  }

  @Test
  void stopsOnATokenUrlThatIsNoUrl() {
    assertThatThrownBy(() -> read("BACKENDS_QWEN_OAUTH_TOKEN_URL", "chat.qwen.ai/token"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("backends.qwen-oauth.token_url");
  }
}
