package dev.hybridproxy.engine;

/**
 * Removes think blocks ({@code <think>…</think>} and the {@code thinking}, {@code reason}, {@code
 * reasoning} variants) from content that streams in fragments, tags split across fragments included
 * (SPEC §6.4). A stray closing tag is dropped; text inside an unclosed block is dropped; the blank
 * lines that separate a block from the answer go with the block.
 */
final class ThinkTagFilter {
  private final ThinkTagScanner scanner = new ThinkTagScanner();
  private boolean inside;
  private boolean afterBlock;

  /** The part of {@code fragment} the client may see (possibly empty). */
  String feed(String fragment) {
    StringBuilder out = new StringBuilder();
    for (ThinkTagScanner.Piece piece : scanner.feed(fragment)) {
      switch (piece.kind()) {
        case OPEN -> inside = true;
        case CLOSE -> {
          inside = false;
          afterBlock = true;
        }
        case TEXT -> {
          if (!inside) {
            String text = afterBlock ? piece.text().stripLeading() : piece.text();
            afterBlock &= text.isEmpty();
            out.append(text);
          }
        }
      }
    }
    return out.toString();
  }

  /** Text held back at the end of the stream, released when it turned out not to be a tag. */
  String finish() {
    String rest = scanner.flush();
    return inside ? "" : rest;
  }

  /** Filters a complete text at once (non-streaming answers). */
  static String filter(String text) {
    ThinkTagFilter filter = new ThinkTagFilter();
    return filter.feed(text) + filter.finish();
  }
}
