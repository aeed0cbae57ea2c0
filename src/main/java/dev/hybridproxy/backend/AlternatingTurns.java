package dev.hybridproxy.backend;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation being rewritten for a wire protocol that wants strictly alternating turns
 * (Anthropic messages, Gemini contents): the blocks of consecutive messages that land on the same
 * side are merged into one turn, and a message with no blocks adds nothing.
 */
public final class AlternatingTurns {
  private final List<String> sides = new ArrayList<>();
  private final List<JsonArrayBuilder> turns = new ArrayList<>();

  /** Adds one message's blocks to the conversation, on {@code side}. */
  public void add(String side, List<JsonObject> blocks) {
    if (blocks.isEmpty()) {
      return;
    }
    if (sides.isEmpty() || !sides.get(sides.size() - 1).equals(side)) {
      sides.add(side);
      turns.add(Json.createArrayBuilder());
    }
    JsonArrayBuilder turn = turns.get(turns.size() - 1);
    blocks.forEach(turn::add);
  }

  /** The turns as {@code {"role": side, blocksKey: [...]}} objects. */
  public JsonArray build(String blocksKey) {
    JsonArrayBuilder out = Json.createArrayBuilder();
    for (int i = 0; i < turns.size(); i++) {
      out.add(Json.createObjectBuilder().add("role", sides.get(i)).add(blocksKey, turns.get(i)));
    }
    return out.build();
  }
}
