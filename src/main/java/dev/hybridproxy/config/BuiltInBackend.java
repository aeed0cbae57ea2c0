package dev.hybridproxy.config;

import java.util.List;
import java.util.Optional;

/**
 * The backends the proxy knows without configuration (SPEC §3), with the seed's environment names.
 * A built-in is enabled when its key is set (or, for keyless ones, when its URL is configured;
 * {@code qwen-oauth} also when the Qwen CLI's credentials file exists).
 *
 * @param name the backend name
 * @param type its wire protocol
 * @param defaultUrl its public base URL
 * @param keyVariable the environment variable holding its key, if it takes one
 */
record BuiltInBackend(String name, String type, String defaultUrl, Optional<String> keyVariable) {
  /** Where Qwen OAuth calls go when the credentials name no {@code resource_url}. */
  static final String QWEN_OAUTH_DEFAULT_URL = "https://portal.qwen.ai/v1";

  static final List<BuiltInBackend> ALL =
      List.of(
          keyed("openai", "openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
          keyed("anthropic", "anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
          keyed("gemini", "gemini", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY"),
          keyed("openrouter", "openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
          keyed("minimax", "openai", "https://api.minimax.io/v1", "MINIMAX_API_KEY"),
          keyed("deepseek", "openai", "https://api.deepseek.com", "DEEPSEEK_API_KEY"),
          keyed(
              "qwen",
              "openai",
              "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
              "DASHSCOPE_API_KEY"),
          keyed("zai", "openai", "https://open.bigmodel.cn/api/paas/v4", "ZAI_API_KEY"),
          keyed("nvidia", "openai", "https://integrate.api.nvidia.com/v1", "NVIDIA_API_KEY"),
          new BuiltInBackend("qwen-oauth", "qwen-oauth", QWEN_OAUTH_DEFAULT_URL, Optional.empty()),
          new BuiltInBackend("ollama", "openai", "http://localhost:11434/v1", Optional.empty()));

  private static BuiltInBackend keyed(String name, String type, String url, String keyVariable) {
    return new BuiltInBackend(name, type, url, Optional.of(keyVariable));
  }

  /** The seed's base-URL variable: {@code OPENAI_API_BASE_URL} and so on. */
  String urlVariable() {
    return name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_API_BASE_URL";
  }

  static Optional<BuiltInBackend> named(String name) {
    return ALL.stream().filter(b -> b.name.equals(name)).findFirst();
  }
}
