package dev.hybridproxy.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Normalises captured reasoning and wraps it in an execution backend's tag pair (SPEC §5.2). */
final class ReasoningText {
  private static final String NAMES = "(?:think|thinking|reason|reasoning)";
  private static final Pattern CLOSING =
      Pattern.compile("</" + NAMES + "\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern LEADING_OPENING =
      Pattern.compile("\\A<" + NAMES + "(?:\\s[^>]*)?>", Pattern.CASE_INSENSITIVE);

  private ReasoningText() {}

  /**
   * The plain reasoning: cut at the first closing tag, trimmed, one leading opening tag (with
   * attributes) dropped.
   */
  static String plain(String raw) {
    String text = raw;
    Matcher closing = CLOSING.matcher(text);
    if (closing.find()) {
      text = text.substring(0, closing.start());
    }
    text = text.strip();
    Matcher opening = LEADING_OPENING.matcher(text);
    if (opening.find()) {
      text = text.substring(opening.end()).strip();
    }
    return text;
  }

  /** Plain reasoning in the tag pair; newlines around the body when it spans several lines. */
  static String tagged(String plain, String tagName) {
    String open = "<" + tagName + ">";
    String close = "</" + tagName + ">";
    return plain.indexOf('\n') >= 0 ? open + "\n" + plain + "\n" + close : open + plain + close;
  }
}
