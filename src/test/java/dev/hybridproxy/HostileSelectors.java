package dev.hybridproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of model selectors for the hostile-input properties: well-formed ones on configured
 * and unknown backends, and ones that try to steer the call elsewhere — URLs, {@code ..} and its
 * encodings, CRLF, user-info, fragments, very long parameter lists, broken brackets.
 */
public final class HostileSelectors {
  private final List<String> configured;
  private final List<String> models;

  /**
   * @param configured the configured backends' names, as a careful client spells them
   * @param models model names those backends answer for
   */
  public HostileSelectors(List<String> configured, List<String> models) {
    this.configured = List.copyOf(configured);
    this.models = List.copyOf(models);
  }

  /** Backend names as a client might write them, configured or not, honest or not. */
  public Arbitrary<String> backends() {
    List<String> spellings = new ArrayList<>();
    for (String name : configured) {
      spellings.add(name);
      spellings.add(name.toUpperCase(Locale.ROOT));
      spellings.add(" " + name + " ");
      spellings.add(name.replace('-', '_'));
    }
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(spellings)),
        Tuple.of(
            2,
            Arbitraries.of(
                "nope",
                "hybrid",
                "qwen",
                "http",
                "https",
                "file",
                "127.0.0.1",
                "localhost",
                "evil.example",
                "evil.example.",
                "..",
                ".",
                "%2e%2e",
                configured.get(0) + "@evil.example",
                configured.get(0) + "#",
                configured.get(0) + " x",
                configured.get(0) + "\r\nHost",
                "",
                " ",
                "-",
                "_",
                "ｄｅｅｐｓｅｅｋ")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
  }

  /** Model names, ordinary and hostile. */
  public Arbitrary<String> models() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.of(models)),
        Tuple.of(
            3,
            Arbitraries.of(
                "../../admin",
                "..",
                "./x",
                "x/../../../v1/files",
                "..%2f..%2fadmin",
                "%2e%2e%2fadmin",
                "%2E%2E/",
                "http://evil.example/v1",
                "https://evil.example",
                "//evil.example/x",
                "@evil.example",
                "evil.example:443/x",
                "x#fragment",
                "x?",
                "x??",
                "x\r\nHost: evil.example",
                "x%0d%0aHost:%20evil.example",
                "x\u0000y",
                "x y",
                "x\ty",
                "\\\\evil.example\\share",
                "gemini-2.5-flash:streamGenerateContent",
                "gemini-2.5-flash/../../other",
                "a".repeat(5000),
                "[x]",
                "x]",
                "x,deepseek:y")),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(20)));
  }

  /** {@code ?k=v&...}: known and unknown keys, good and bad values, sometimes hundreds. */
  public static Arbitrary<String> parameters() {
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            Tuple.of(
                5,
                Arbitraries.of(
                    "temperature",
                    "top_p",
                    "top_k",
                    "max_tokens",
                    "reasoning_effort",
                    "verbosity")),
            Tuple.of(
                1,
                Arbitraries.of(
                    "api_url",
                    "base_url",
                    "host",
                    "url",
                    "api_key",
                    "model",
                    "stream",
                    "%",
                    "%zz",
                    "temperature%00",
                    "")),
            Tuple.of(1, Arbitraries.strings().all().ofMaxLength(6)));
    Arbitrary<String> value =
        Arbitraries.frequencyOf(
            Tuple.of(
                4,
                Arbitraries.of(
                    "0",
                    "0.5",
                    "1",
                    "2",
                    "2.0000001",
                    "-0",
                    "-1",
                    "high",
                    "max",
                    "low",
                    "1e999",
                    "NaN",
                    "Infinity",
                    "9999999999",
                    "01",
                    "0x10",
                    " 1",
                    "%20",
                    "%",
                    "%zz",
                    "%C0%AF",
                    "a,b",
                    "http://evil.example",
                    "..",
                    "\r\n")),
            Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
    Arbitrary<String> pair =
        Arbitraries.frequencyOf(
            Tuple.of(6, Combinators.combine(key, value).as((k, v) -> k + "=" + v)),
            Tuple.of(1, key),
            Tuple.of(1, Arbitraries.of("", "=", "&", "==")));
    Arbitrary<Integer> count =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(1, 4)),
            Tuple.of(1, Arbitraries.of(100, 600, 2000)));
    return count.flatMap(n -> pair.list().ofSize(n).map(l -> "?" + String.join("&", l)));
  }

  /** {@code backend:model} with or without parameters, or a bare model. */
  public Arbitrary<String> plain() {
    Arbitrary<String> params =
        Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")), Tuple.of(1, parameters()));
    Arbitrary<String> separator =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.just(":")), Tuple.of(1, Arbitraries.of("", "::", " : ", "/")));
    return Combinators.combine(backends(), separator, models(), params)
        .as((b, s, m, p) -> b + s + m + p);
  }

  /** {@code hybrid:[a,b]} and its broken relatives. */
  public Arbitrary<String> hybrid() {
    Arbitrary<String> prefix =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.just("hybrid:")),
            Tuple.of(
                1, Arbitraries.of("HYBRID:", " hybrid: ", "hybrid :", "hybrid", "hybrid:hybrid:")));
    Arbitrary<String> open =
        Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.just("[")), Tuple.of(1, Arbitraries.of("", "[[", " [ ", "(")));
    Arbitrary<String> close =
        Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.just("]")),
            Tuple.of(1, Arbitraries.of("", "]]", " ] ", "])")));
    Arbitrary<String> parts =
        Arbitraries.frequencyOf(
            Tuple.of(8, plain().list().ofSize(2).map(l -> String.join(",", l))),
            Tuple.of(1, plain().list().ofMinSize(0).ofMaxSize(4).map(l -> String.join(",", l))),
            Tuple.of(
                1,
                Combinators.combine(plain(), Arbitraries.lazy(this::hybrid))
                    .as((a, b) -> a + "," + b)));
    return Combinators.combine(prefix, open, parts, close).as((p, o, x, c) -> p + o + x + c);
  }

  /** Selectors a careful client writes: configured backends, real models, valid parameters. */
  public Arbitrary<String> routable() {
    Arbitrary<String> backend = Arbitraries.of(configured);
    Arbitrary<String> model = Arbitraries.of(models);
    Arbitrary<String> params =
        Arbitraries.of(
            "",
            "",
            "",
            "?temperature=0.2",
            "?reasoning_effort=low&max_tokens=64",
            "?top_k=3&top_p=0.9",
            "?verbosity=high",
            "?temperature=0.9&temperature=0.1");
    Arbitrary<String> one =
        Combinators.combine(backend, model, params).as((b, m, p) -> b + ":" + m + p);
    return Arbitraries.frequencyOf(
        Tuple.of(1, one),
        Tuple.of(1, one.list().ofSize(2).map(l -> "hybrid:[" + l.get(0) + "," + l.get(1) + "]")));
  }

  /** Any selector. */
  public Arbitrary<String> any() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, plain()),
        Tuple.of(5, hybrid()),
        Tuple.of(1, models()),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(60)));
  }
}
