package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Model name rewrites (SPEC §4.3). */
class ModelAliasesTest {

  private static ModelAliases aliases(String... rules) {
    return new ModelAliases(List.of(rules).stream().map(ModelAliases.Rule::parse).toList());
  }

  @Test
  void rewritesALiteralNameToAHybridSelector() {
    ModelAliases aliases = aliases("coder=hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]");

    assertThat(aliases.rewrite("coder"))
        .contains("hybrid:[minimax:MiniMax-M2,qwen-oauth:qwen3-coder-plus]");
  }

  @Test
  void matchesTheWholeNameOnly() {
    ModelAliases aliases = aliases("coder=openai:gpt-4o");

    assertThat(aliases.rewrite("coder2")).isEmpty();
    assertThat(aliases.rewrite("my-coder")).isEmpty();
    assertThat(aliases.rewrite(" coder ")).contains("openai:gpt-4o");
  }

  @Test
  void alternativesMustMatchTheWholeNameToo() {
    ModelAliases aliases = aliases("a|ab=openai:$0");

    assertThat(aliases.rewrite("ab")).contains("openai:ab");
  }

  @Test
  void substitutesBackReferences() {
    ModelAliases aliases = aliases("gpt-(.*)=openrouter:openai/gpt-$1");

    assertThat(aliases.rewrite("gpt-4o-mini")).contains("openrouter:openai/gpt-4o-mini");
  }

  @Test
  void theFirstMatchingRuleWins() {
    ModelAliases aliases = aliases("gpt-4o=openai:gpt-4o", "gpt-.*=openrouter:openai/other");

    assertThat(aliases.rewrite("gpt-4o")).contains("openai:gpt-4o");
    assertThat(aliases.rewrite("gpt-5")).contains("openrouter:openai/other");
  }

  @Test
  void appliesOnceWithoutRecursion() {
    ModelAliases aliases = aliases("a=b", "b=openai:c");

    assertThat(aliases.rewrite("a")).contains("b");
  }

  @Test
  void leavesUnmatchedNamesAlone() {
    assertThat(aliases("coder=openai:gpt-4o").rewrite("openai:gpt-4o")).isEmpty();
    assertThat(ModelAliases.NONE.rewrite("anything")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fast=openai:gpt-4o?temperature=0.2 | fast | openai:gpt-4o?temperature=0.2",
        "(?=x)x.*=openai:$0 | (?=x)x.* | openai:$0",
        "(?<=a)b=c:d | (?<=a)b | c:d",
        "a\\=b=c:d | a\\=b | c:d",
      })
  void splitsPatternAndReplacementAtTheFirstPlainEquals(
      String text, String pattern, String replacement) {
    ModelAliases.Rule rule = ModelAliases.Rule.parse(text);

    assertThat(rule.pattern().pattern()).isEqualTo(pattern);
    assertThat(rule.replacement()).isEqualTo(replacement);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "co(der=openai:x | invalid regular expression: Unclosed group near index",
        "coder | expected PATTERN=REPLACEMENT",
        "=openai:x | the pattern is empty",
        "coder= | the replacement is empty",
        "gpt-(.*)=openai:$2 | refers to group $2 but the pattern has 1 group",
        "gpt-(.*)=openai:\\1 | write $1 for a group",
        "gpt-(.*)=openai:${name} | does not name: ${name}",
        "gpt=openai:$ | lone '$'",
      })
  void rejectsABadRuleWithTheReason(String text, String reason) {
    assertThatThrownBy(() -> ModelAliases.Rule.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void acceptsNamedGroups() {
    ModelAliases aliases = aliases("gpt-(?<v>.*)=openai:gpt-${v}");

    assertThat(aliases.rewrite("gpt-4o")).contains("openai:gpt-4o");
  }

  @Test
  void listsThePlainNamesOnceInOrder() {
    ModelAliases aliases =
        aliases(
            "coder=hybrid:[a:b,c:d]",
            "gpt-(.*)=openrouter:openai/gpt-$1",
            "fast=openai:gpt-4o-mini",
            "coder=openai:never",
            "claude.3=anthropic:x");

    assertThat(aliases.literalNames()).containsExactly("coder", "fast");
  }
}
