package trl4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed access to a row's fields for the schema adapters. A field is named by a key or a dotted path
 * ({@code info.post}); problems throw {@link BadRowException} with the field's name. Lists and objects
 * may also arrive as JSON text (how they travel in CSV cells).
 */
final class Fields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fields() {}

    /** The node at a key or dotted path, or null when absent (JSON null counts as absent). */
    static JsonNode find(ObjectNode row, String path) {
        JsonNode direct = row.get(path);
        if (direct != null || path.indexOf('.') < 0) {
            return direct == null || direct.isNull() ? null : direct;
        }
        JsonNode node = row;
        for (String part : path.split("\\.")) {
            node = container(node);
            if (node == null) {
                return null;
            }
            node = node.isArray() ? element(node, part) : node.get(part);
            if (node == null || node.isNull()) {
                return null;
            }
        }
        return node;
    }

    /** The node as an object or array, parsing JSON text (a CSV cell); null for anything else. */
    private static JsonNode container(JsonNode node) {
        JsonNode parsed = node.isTextual() ? parseJsonText(node.asText()) : node;
        return parsed != null && (parsed.isObject() || parsed.isArray()) ? parsed : null;
    }

    private static JsonNode element(JsonNode array, String index) {
        try {
            return array.get(Integer.parseInt(index));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A required, non-blank string. */
    static String text(ObjectNode row, String path) {
        JsonNode n = require(row, path);
        if (!n.isTextual()) {
            if (n.isArray() && n.size() > 0 && n.get(0).isObject() && n.get(0).has("role")) {
                throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path
                        + "' is a list of chat messages; only plain-text prompts are supported");
            }
            throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected text");
        }
        if (n.asText().isBlank()) {
            throw new BadRowException(BadRowReason.EMPTY_TEXT, "'" + path + "' is empty");
        }
        return n.asText();
    }

    /** An optional string: null when absent or empty. */
    static String optionalText(ObjectNode row, String path) {
        JsonNode n = find(row, path);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected text");
        }
        return n.asText().isBlank() ? null : n.asText();
    }

    /** A required integer (a JSON number or, from CSV, its text). */
    static int integer(ObjectNode row, String path) {
        JsonNode n = require(row, path);
        if (n.isIntegralNumber()) {
            return n.asInt();
        }
        if (n.isTextual()) {
            try {
                return Integer.parseInt(n.asText().strip());
            } catch (NumberFormatException e) {
                // fall through to the type error
            }
        }
        throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected an integer");
    }

    /** An optional number (a JSON number or, from CSV, its text): null when absent or empty. */
    static Double optionalNumber(ObjectNode row, String path) {
        JsonNode n = find(row, path);
        if (n == null || (n.isTextual() && n.asText().isBlank())) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().strip());
            } catch (NumberFormatException e) {
                // fall through to the type error
            }
        }
        throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected a number");
    }

    /** A required non-empty list of non-blank strings (a JSON array, or its text). */
    static List<String> textList(ObjectNode row, String path) {
        ArrayNode array = array(row, path);
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode e = array.get(i);
            if (!e.isTextual()) {
                throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "[" + i + "]' is " + describe(e)
                        + ", expected text");
            }
            out.add(e.asText());
        }
        if (out.stream().allMatch(String::isBlank)) {
            throw new BadRowException(BadRowReason.EMPTY_TEXT, "'" + path + "' has no text");
        }
        return out;
    }

    /** A required JSON array (or its text). */
    static ArrayNode array(ObjectNode row, String path) {
        JsonNode n = require(row, path);
        JsonNode parsed = n.isTextual() ? parseJsonText(n.asText()) : n;
        if (parsed instanceof ArrayNode a) {
            return a;
        }
        throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected a list");
    }

    /** A required JSON object (or its text). */
    static ObjectNode object(ObjectNode row, String path) {
        JsonNode n = require(row, path);
        JsonNode parsed = n.isTextual() ? parseJsonText(n.asText()) : n;
        if (parsed instanceof ObjectNode o) {
            return o;
        }
        throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + path + "' is " + describe(n) + ", expected an object");
    }

    private static JsonNode require(ObjectNode row, String path) {
        JsonNode n = find(row, path);
        if (n == null) {
            throw new BadRowException(BadRowReason.MISSING_FIELD, "no '" + path + "'");
        }
        return n;
    }

    private static JsonNode parseJsonText(String text) {
        String t = text.strip();
        if (!(t.startsWith("[") || t.startsWith("{"))) {
            return null;
        }
        try {
            return JSON.readTree(t);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String describe(JsonNode n) {
        String type = n.getNodeType().name().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "array" -> "a list";
            case "object" -> "an object";
            case "string" -> "text";
            default -> "a " + type;
        };
    }
}
