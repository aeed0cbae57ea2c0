package dev.hybridproxy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the think-style tags ({@code <think>}, {@code <thinking>}, {@code <reason>}, {@code
 * <reasoning>}, opening ones with attributes, closing ones) in text that arrives in fragments. A
 * fragment ending in what may be the start of a tag is held back until the next fragment decides.
 */
final class ThinkTagScanner {
  static final List<String> NAMES = List.of("think", "thinking", "reason", "reasoning");
  private static final int MAX_TAG_LENGTH = 256;
  private static final int INCOMPLETE = 0;
  private static final int NOT_A_TAG = -1;

  /** What a piece of scanned text is. */
  enum Kind {
    TEXT,
    OPEN,
    CLOSE
  }

  /** A run of text, or one tag. */
  record Piece(Kind kind, String text) {}

  private String held = "";

  /** Scans the next fragment; a possible tag start at its end is held back. */
  List<Piece> feed(String fragment) {
    String buffer = held.isEmpty() ? fragment : held + fragment;
    held = "";
    List<Piece> pieces = new ArrayList<>();
    int textStart = 0;
    int from = 0;
    while (from < buffer.length()) {
      int lt = buffer.indexOf('<', from);
      if (lt < 0) {
        break;
      }
      int end = tagEnd(buffer, lt);
      if (end == INCOMPLETE) {
        addText(pieces, buffer, textStart, lt);
        held = buffer.substring(lt);
        return pieces;
      }
      if (end == NOT_A_TAG) {
        from = lt + 1;
        continue;
      }
      addText(pieces, buffer, textStart, lt);
      Kind kind = buffer.charAt(lt + 1) == '/' ? Kind.CLOSE : Kind.OPEN;
      pieces.add(new Piece(kind, buffer.substring(lt, end)));
      textStart = end;
      from = end;
    }
    addText(pieces, buffer, textStart, buffer.length());
    return pieces;
  }

  /** The text held back as a possible tag start; the stream ended, so it is plain text. */
  String flush() {
    String rest = held;
    held = "";
    return rest;
  }

  private static void addText(List<Piece> pieces, String buffer, int from, int to) {
    if (to > from) {
      pieces.add(new Piece(Kind.TEXT, buffer.substring(from, to)));
    }
  }

  /** The end (exclusive) of the tag starting at {@code lt}, or INCOMPLETE, or NOT_A_TAG. */
  private static int tagEnd(String s, int lt) {
    int i = lt + 1;
    if (i == s.length()) {
      return INCOMPLETE;
    }
    boolean closing = s.charAt(i) == '/';
    if (closing) {
      i++;
    }
    int nameStart = i;
    while (i < s.length() && isAsciiLetter(s.charAt(i))) {
      i++;
    }
    String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
    if (i == s.length()) {
      return isNamePrefix(name) ? INCOMPLETE : NOT_A_TAG;
    }
    if (!NAMES.contains(name)) {
      return NOT_A_TAG;
    }
    char next = s.charAt(i);
    if (next == '>') {
      return i + 1;
    }
    if (!Character.isWhitespace(next)) {
      return NOT_A_TAG;
    }
    for (int j = i; j < s.length() && j - lt < MAX_TAG_LENGTH; j++) {
      char c = s.charAt(j);
      if (c == '>') {
        return j + 1;
      }
      if (c == '<') {
        return NOT_A_TAG;
      }
    }
    return s.length() - lt < MAX_TAG_LENGTH ? INCOMPLETE : NOT_A_TAG;
  }

  private static boolean isNamePrefix(String name) {
    return NAMES.stream().anyMatch(n -> n.startsWith(name));
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
