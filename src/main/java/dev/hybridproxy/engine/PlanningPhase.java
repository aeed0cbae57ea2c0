package dev.hybridproxy.engine;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Planning-phase overrides (SPEC §4.4): early in a conversation, while it is still being planned, a
 * request that names no backend goes to a strong model, with its own sampling settings. The phase
 * lasts while the turn index (assistant messages, SPEC §7.1) is below {@code maxTurns} and the
 * conversation has made fewer than {@code maxFileWrites} write-type tool calls. Everything is
 * counted from the request's own messages, so no server state is needed.
 *
 * @param strongModel the selector planning requests go to, {@code hybrid:[...]} included
 * @param maxTurns the phase lasts while the turn index is below this
 * @param maxFileWrites ... and while fewer write-type tool calls than this were made
 * @param overrides body fields set on planning requests ({@code temperature}, {@code top_p}, {@code
 *     reasoning_effort}), replacing the client's
 * @param writeTools function names (lower case) that count as file writes
 */
public record PlanningPhase(
    String strongModel,
    int maxTurns,
    int maxFileWrites,
    Map<String, JsonValue> overrides,
    Set<String> writeTools) {

  /** Function names of common coding agents' file-writing tools. */
  public static final List<String> DEFAULT_WRITE_TOOLS =
      List.of(
          "write",
          "write_file",
          "write_to_file",
          "edit",
          "edit_file",
          "multi_edit",
          "apply_diff",
          "apply_patch",
          "patch",
          "create_file",
          "str_replace",
          "insert",
          "insert_content",
          "replace_in_file",
          "search_and_replace");

  public PlanningPhase {
    overrides = Map.copyOf(new LinkedHashMap<>(overrides));
    writeTools =
        writeTools.stream()
            .map(t -> t.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Whether a request is in the planning phase: its model names no backend (no {@code backend:} and
   * no {@code hybrid:} prefix), it is in its first {@code maxTurns} turns and it has made fewer
   * than {@code maxFileWrites} write-type tool calls.
   */
  public boolean covers(ChatRequest request) {
    return !SelectorParser.namesBackend(request.model())
        && ReasoningPolicy.turnIndex(request.messages()) < maxTurns
        && fileWrites(request.messages()) < maxFileWrites;
  }

  /** The request with the overrides in its body; {@code model} stays what the client sent. */
  public ChatRequest withOverrides(ChatRequest request) {
    if (overrides.isEmpty()) {
      return request;
    }
    JsonObjectBuilder body = Json.createObjectBuilder(request.body());
    overrides.forEach(body::add);
    return new ChatRequest(body.build(), request.probabilityHeader());
  }

  /**
   * The write-type tool calls in the assistant messages of a conversation, by function name. A
   * namespaced name counts by its last part ({@code mcp__fs__write_file}, {@code functions.edit}).
   */
  public int fileWrites(JsonArray messages) {
    int writes = 0;
    for (JsonValue value : messages) {
      if (!(value instanceof JsonObject message)
          || !"assistant".equals(message.getString("role", null))) {
        continue;
      }
      if (message.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue call : calls) {
          if (call instanceof JsonObject object
              && object.get("function") instanceof JsonObject function
              && isWrite(function.get("name"))) {
            writes++;
          }
        }
      }
      if (message.get("function_call") instanceof JsonObject legacy
          && isWrite(legacy.get("name"))) {
        writes++;
      }
    }
    return writes;
  }

  private boolean isWrite(JsonValue name) {
    if (!(name instanceof JsonString text)) {
      return false;
    }
    String function = text.getString().strip().toLowerCase(Locale.ROOT);
    int underscores = function.lastIndexOf("__");
    int start =
        Math.max(
            underscores < 0 ? 0 : underscores + 2,
            Math.max(function.lastIndexOf('.'), function.lastIndexOf('/')) + 1);
    return writeTools.contains(function) || writeTools.contains(function.substring(start));
  }
}
