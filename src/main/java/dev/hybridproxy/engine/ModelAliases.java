package dev.hybridproxy.engine;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Model name rewrites (SPEC §4.3): ordered {@code PATTERN=REPLACEMENT} rules, each a Java regular
 * expression matched against the whole model name; the first rule that matches rewrites the name,
 * with {@code $1}-style back-references. Applied once, before routing: a rewritten name is never
 * rewritten again. A replacement may be any selector, {@code hybrid:[...]} included.
 */
public final class ModelAliases {
  /** No rewrites. */
  public static final ModelAliases NONE = new ModelAliases(List.of());

  private static final String METACHARACTERS = "\\^$.|?*+()[]{}";

  /**
   * One rule.
   *
   * @param pattern matched against the whole model name
   * @param replacement what the name becomes; {@code $n} is the n-th group
   */
  public record Rule(Pattern pattern, String replacement) {

    /**
     * A rule from its two parts.
     *
     * @throws IllegalArgumentException naming what is wrong: an invalid regular expression, or a
     *     replacement referring to a group the pattern does not have
     */
    public static Rule of(String pattern, String replacement) {
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("the pattern is empty");
      }
      Pattern compiled;
      try {
        compiled = Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "invalid regular expression: "
                + e.getDescription()
                + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
      }
      if (replacement.isBlank()) {
        throw new IllegalArgumentException("the replacement is empty");
      }
      checkReplacement(compiled, replacement);
      return new Rule(compiled, replacement.strip());
    }

    /**
     * A rule written as {@code PATTERN=REPLACEMENT}. It splits at the first {@code =} that is not
     * escaped and not part of a regex group such as {@code (?=...)} or {@code (?<=...)}, so the
     * replacement may hold URI parameters ({@code fast=openai:gpt-4o?temperature=0.2}).
     */
    public static Rule parse(String text) {
      int split = splitIndex(text);
      if (split < 0) {
        throw new IllegalArgumentException("expected PATTERN=REPLACEMENT");
      }
      return of(text.substring(0, split).strip(), text.substring(split + 1));
    }

    /** Whether the pattern is a plain name (no regex metacharacters): listed in /v1/models. */
    public boolean literal() {
      return pattern.pattern().chars().noneMatch(c -> METACHARACTERS.indexOf(c) >= 0);
    }

    /** The rewritten name, if this rule matches the whole of {@code model}. */
    public Optional<String> apply(String model) {
      Matcher matcher = pattern.matcher(model);
      if (!matcher.matches()) {
        return Optional.empty();
      }
      StringBuilder rewritten = new StringBuilder();
      matcher.appendReplacement(rewritten, replacement);
      return Optional.of(rewritten.toString());
    }

    @Override
    public String toString() {
      return pattern.pattern() + "=" + replacement;
    }
  }

  private final List<Rule> rules;

  public ModelAliases(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** What the first matching rule makes of {@code model}; empty when no rule matches. */
  public Optional<String> rewrite(String model) {
    String name = model.strip();
    for (Rule rule : rules) {
      Optional<String> rewritten = rule.apply(name);
      if (rewritten.isPresent()) {
        return rewritten;
      }
    }
    return Optional.empty();
  }

  /**
   * The patterns that are plain names, in order, once each: the aliases {@code /v1/models} lists.
   */
  public List<String> literalNames() {
    return rules.stream().filter(Rule::literal).map(r -> r.pattern().pattern()).distinct().toList();
  }

  private static int splitIndex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' && !text.startsWith("(?", i - 2) && !text.startsWith("(?<", i - 3)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Checks the replacement the way {@link Matcher#appendReplacement} reads it, so that a bad rule
   * fails at start-up rather than on the first request it matches.
   */
  private static void checkReplacement(Pattern pattern, String replacement) {
    int groups = pattern.matcher("").groupCount();
    for (int i = 0; i < replacement.length(); i++) {
      char c = replacement.charAt(i);
      if (c == '\\') {
        if (i + 1 == replacement.length()) {
          throw new IllegalArgumentException("the replacement ends with a lone '\\'");
        }
        if (Character.isDigit(replacement.charAt(i + 1))) {
          throw new IllegalArgumentException(
              "'\\"
                  + replacement.charAt(i + 1)
                  + "' in the replacement is a literal digit in Java; write $"
                  + replacement.charAt(i + 1)
                  + " for a group");
        }
        i++;
      } else if (c == '$') {
        if (i + 1 == replacement.length()) {
          throw new IllegalArgumentException(
              "the replacement ends with a lone '$' (write \\$ for a dollar sign)");
        }
        char next = replacement.charAt(i + 1);
        if (next == '{') {
          int end = replacement.indexOf('}', i);
          String name = end < 0 ? "" : replacement.substring(i + 2, end);
          if (name.isEmpty() || !pattern.pattern().contains("(?<" + name + ">")) {
            throw new IllegalArgumentException(
                "the replacement refers to a group the pattern does not name: ${" + name + "}");
          }
          i = end;
        } else if (Character.isDigit(next)) {
          if (next - '0' > groups) {
            throw new IllegalArgumentException(
                "the replacement refers to group $"
                    + next
                    + " but the pattern has "
                    + groups
                    + (groups == 1 ? " group" : " groups"));
          }
          i++;
        } else {
          throw new IllegalArgumentException(
              "'$' in the replacement must be followed by a group number (write \\$ for a dollar"
                  + " sign)");
        }
      }
    }
  }
}
