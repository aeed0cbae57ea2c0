package dev.hybridproxy.config;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the YAML configuration file (SPEC §9) into flat MicroProfile Config keys: nested mappings
 * join with {@code .} ({@code backends: {openai: {api_key: ...}}} is {@code
 * backends.openai.api_key}), lists of values join with commas, scalars keep the text they were
 * written with. Three values keep their structure, as JSON: {@code model_aliases} (a list of rules)
 * and a backend's {@code reasoning_params} / {@code execution_params} (mappings). The seed's
 * layout, hybrid keys under {@code backends:} ({@code backends: {reasoning_injection_probability:
 * 0.5}}), means the same as the top-level key. Any problem is an {@link InvalidSettingException}
 * naming the file and the line.
 */
public final class YamlSettings {
  private static final Set<String> JSON_FIELDS = Set.of("reasoning_params", "execution_params");
  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
  private static final Set<String> TRUES = Set.of("true", "True", "TRUE");
  private static final Set<String> FALSES = Set.of("false", "False", "FALSE");
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  private final String file;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> lines = new LinkedHashMap<>();

  private YamlSettings(String file) {
    this.file = file;
  }

  /** The keys and values of a YAML file; an empty file has none. */
  public static Map<String, String> read(Path path) {
    String name = path.toString();
    String text;
    try {
      if (Files.isDirectory(path)) {
        throw new InvalidSettingException(
            ConfigKeys.CONFIG_FILE + " " + name + " is a directory, not a YAML file");
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidSettingException(
          ConfigKeys.CONFIG_FILE + " " + name + " does not exist (the YAML configuration file)");
    } catch (IOException e) {
      throw new InvalidSettingException(
          ConfigKeys.CONFIG_FILE + " " + name + " cannot be read: " + e.getClass().getSimpleName());
    }
    return parse(name, text);
  }

  /** The keys and values of YAML text; {@code file} names it in messages. */
  public static Map<String, String> parse(String file, String text) {
    YamlSettings settings = new YamlSettings(file);
    Optional<Node> root;
    try (Reader reader = new StringReader(text)) {
      root =
          new Compose(LoadSettings.builder().setLabel(file).setMaxAliasesForCollections(50).build())
              .composeReader(reader);
    } catch (MarkedYamlEngineException e) {
      throw settings.invalidYaml(e.getProblem(), e.getProblemMark().or(e::getContextMark));
    } catch (YamlEngineException e) {
      // unmarked engine errors say nothing that could quote the file
      throw settings.invalidYaml(e.getMessage(), Optional.empty());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (root.isEmpty()) {
      return Map.of();
    }
    if (!(root.get() instanceof MappingNode mapping)) {
      throw settings.invalid(
          "the top level must be a mapping of keys, e.g. 'disable_hybrid_backend: true'",
          root.get());
    }
    settings.flatten("", mapping);
    settings.moveSeedLayout();
    return Map.copyOf(settings.values);
  }

  private void flatten(String prefix, MappingNode mapping) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)
          || isNull(keyNode)
          || keyNode.getValue().isBlank()) {
        throw invalid("a key must be a plain name", tuple.getKeyNode());
      }
      String name = keyNode.getValue().strip();
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      Node value = tuple.getValueNode();
      if (keepsStructure(key)) {
        if (value instanceof ScalarNode scalar) {
          scalar(key, scalar);
        } else {
          put(key, json(value).toString(), value);
        }
      } else if (value instanceof MappingNode nested) {
        flatten(key, nested);
      } else if (value instanceof SequenceNode list) {
        put(key, joined(key, list), value);
      } else if (value instanceof ScalarNode scalar) {
        scalar(key, scalar);
      }
    }
  }

  private void scalar(String key, ScalarNode scalar) {
    if (!isNull(scalar)) {
      put(key, scalar.getValue(), scalar);
    }
  }

  /** {@code model_aliases} and a backend's JSON-valued fields stay structured, as JSON. */
  private static boolean keepsStructure(String key) {
    if (key.equals(ConfigKeys.MODEL_ALIASES)) {
      return true;
    }
    String[] parts = key.split("\\.");
    return parts.length == 3
        && parts[0].equals(SettingsReader.PREFIX)
        && JSON_FIELDS.contains(parts[2]);
  }

  private String joined(String key, SequenceNode list) {
    List<String> items = new ArrayList<>();
    for (Node item : list.getValue()) {
      if (!(item instanceof ScalarNode scalar)) {
        throw invalid(key + " must be a list of plain values", item);
      }
      if (!isNull(scalar)) {
        items.add(scalar.getValue().strip());
      }
    }
    return String.join(",", items);
  }

  private void put(String key, String value, Node where) {
    String line = position(where.getStartMark());
    String previous = values.put(key, value);
    if (previous != null) {
      throw new InvalidSettingException(
          message(key + " is set twice (" + lines.get(key) + " and " + line + ")"));
    }
    lines.put(key, line);
  }

  /** {@code backends: {reasoning_injection_probability: 0.5}} means the top-level key. */
  private void moveSeedLayout() {
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      String nested = SettingsReader.PREFIX + "." + key.name();
      if (key.seedLayout() && values.containsKey(nested)) {
        String value = values.remove(nested);
        String line = lines.remove(nested);
        if (values.containsKey(key.name())) {
          throw new InvalidSettingException(
              message(
                  key.name()
                      + " is set twice: at the top level ("
                      + lines.get(key.name())
                      + ") and under backends: ("
                      + line
                      + ")"));
        }
        values.put(key.name(), value);
        lines.put(key.name(), line);
      }
    }
  }

  private static JsonValue json(Node node) {
    if (node instanceof MappingNode mapping) {
      JsonObjectBuilder object = Json.createObjectBuilder();
      for (NodeTuple tuple : mapping.getValue()) {
        String name =
            tuple.getKeyNode() instanceof ScalarNode key ? key.getValue() : tuple.toString();
        object.add(name, json(tuple.getValueNode()));
      }
      return object.build();
    }
    if (node instanceof SequenceNode list) {
      JsonArrayBuilder array = Json.createArrayBuilder();
      list.getValue().forEach(item -> array.add(json(item)));
      return array.build();
    }
    ScalarNode scalar = (ScalarNode) node;
    String text = scalar.getValue();
    if (scalar.getScalarStyle() != ScalarStyle.PLAIN) {
      return Json.createValue(text);
    }
    if (NULLS.contains(text)) {
      return JsonValue.NULL;
    }
    if (TRUES.contains(text)) {
      return JsonValue.TRUE;
    }
    if (FALSES.contains(text)) {
      return JsonValue.FALSE;
    }
    if (NUMBER.matcher(text).matches()) {
      return Json.createValue(new BigDecimal(text));
    }
    return Json.createValue(text);
  }

  private static boolean isNull(ScalarNode scalar) {
    return scalar.getScalarStyle() == ScalarStyle.PLAIN && NULLS.contains(scalar.getValue());
  }

  private InvalidSettingException invalidYaml(String problem, Optional<Mark> mark) {
    String where = mark.map(m -> " (" + position(Optional.of(m)) + ")").orElse("");
    return new InvalidSettingException(
        ConfigKeys.CONFIG_FILE + " " + file + " is not valid YAML: " + problem + where);
  }

  private InvalidSettingException invalid(String problem, Node node) {
    return new InvalidSettingException(
        message(problem + " (" + position(node.getStartMark()) + ")"));
  }

  private String message(String problem) {
    return ConfigKeys.CONFIG_FILE + " " + file + ": " + problem;
  }

  private static String position(Optional<Mark> mark) {
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
        .orElse("unknown position");
  }
}
