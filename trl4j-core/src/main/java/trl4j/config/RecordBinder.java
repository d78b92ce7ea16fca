package trl4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a tree of YAML values onto a config record, and back. Each record component is one key: its
 * name in snake_case ({@code perDeviceTrainBatchSize} ↔ {@code per_device_train_batch_size}) unless
 * {@link ConfigKey} says otherwise. A missing key takes the value of a defaults instance, so a
 * record's documented defaults live in one constant ({@code DEFAULTS}).
 *
 * <p>Values are typed by the component: a string such as {@code "3e-4"} (what a command-line
 * override or PyYAML-style YAML gives) becomes a double where a double is expected. Supported
 * component types: int, long, double, boolean (and boxed, where null means "unset"), String, enums
 * (by lower-case constant name), {@code List<…>} of those, {@code Map<String, Object>} (free-form,
 * e.g. generation kwargs) and nested records (which bind recursively).
 */
public final class RecordBinder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordBinder() {}

    /** The YAML key of a component. */
    public static String keyOf(RecordComponent c) {
        ConfigKey explicit = c.getAnnotation(ConfigKey.class);
        return explicit != null ? explicit.value() : snakeCase(c.getName());
    }

    /** The keys of a record type, in component order. */
    public static List<String> keys(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordBinder::keyOf).toList();
    }

    /** {@code perDeviceTrainBatchSize} → {@code per_device_train_batch_size}. */
    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /**
     * Builds a record from {@code values}; keys it does not list take their value from
     * {@code defaults}. Unknown keys, wrong types and the record's own validation fail with a
     * {@link ConfigException} naming the dotted key.
     */
    public static <R extends Record> R bind(Class<R> type, R defaults, ObjectNode values) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = keys(type);
        for (Iterator<String> it = values.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                throw new ConfigException(key, "unknown key '" + key + "'" + NearMiss.hint(key, keys),
                        "is not a known key" + NearMiss.hint(key, keys));
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            String key = keyOf(c);
            Object fallback = defaults == null ? null : read(c, defaults);
            args[i] = values.has(key) ? convert(key, values.get(key), c.getGenericType(), fallback) : fallback;
            if (args[i] == null && c.getType().isPrimitive()) {
                throw ConfigException.invalid(key, null, "a value is required");
            }
        }
        return construct(type, types, args);
    }

    /** An integer value (typed as a component of type int would be). */
    static int intValue(String key, JsonNode node) {
        Object v = convert(key, node, int.class, null);
        ConfigException.require(v != null, key, null, "an integer is required");
        return (Integer) v;
    }

    private static <R> R construct(Class<R> type, Class<?>[] types, Object[] args) {
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw new ConfigException(null, iae.getMessage(), iae.getMessage());
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static Object read(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    /** Converts one YAML value to the Java type of its component. */
    private static Object convert(String key, JsonNode node, Type type, Object fallback) {
        Class<?> raw = rawClass(type);
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (Record.class.isAssignableFrom(raw)) {
                return fallback != null ? fallback : staticDefaults(raw);
            }
            return null; // primitives are rejected by the caller with the key
        }
        if (raw == int.class || raw == Integer.class) {
            long v = integral(key, node, "an integer");
            ConfigException.require(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE, key, display(node), "is too large for an integer");
            return (int) v;
        }
        if (raw == long.class || raw == Long.class) {
            return integral(key, node, "an integer");
        }
        if (raw == double.class || raw == Double.class) {
            return number(key, node);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            String text = node.isTextual() ? node.textValue().trim().toLowerCase(Locale.ROOT) : "";
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
            throw ConfigException.invalid(key, display(node), "expected true or false");
        }
        if (raw == String.class) {
            if (!node.isValueNode()) {
                throw ConfigException.invalid(key, display(node), "expected a string");
            }
            return node.asText();
        }
        if (raw.isEnum()) {
            return enumValue(key, node, raw);
        }
        if (raw == List.class) {
            if (!node.isArray()) {
                throw ConfigException.invalid(key, display(node), "expected a list");
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                Object v = convert(key + "[" + i + "]", node.get(i), element, null);
                ConfigException.require(v != null, key + "[" + i + "]", null, "list entries must not be null");
                out.add(v);
            }
            return List.copyOf(out);
        }
        if (raw == Map.class) {
            if (!node.isObject()) {
                throw ConfigException.invalid(key, display(node), "expected a mapping");
            }
            return plain(node);
        }
        if (Record.class.isAssignableFrom(raw)) {
            if (!node.isObject()) {
                throw ConfigException.invalid(key, display(node), "expected a mapping");
            }
            Object defaults = fallback != null ? fallback : staticDefaults(raw);
            try {
                return bindUnchecked(raw, defaults, (ObjectNode) node);
            } catch (ConfigException e) {
                throw e.under(key);
            }
        }
        throw new IllegalStateException("config key '" + key + "' has an unsupported type " + type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object bindUnchecked(Class<?> raw, Object defaults, ObjectNode node) {
        return bind((Class) raw, (Record) defaults, node);
    }

    /** A nested record type's {@code public static final DEFAULTS}, used when the parent has none. */
    private static Object staticDefaults(Class<?> recordType) {
        try {
            Field f = recordType.getField("DEFAULTS");
            if (Modifier.isStatic(f.getModifiers())) {
                return f.get(null);
            }
        } catch (ReflectiveOperationException ignored) {
            // fall through: a schema bug reported below
        }
        throw new IllegalStateException(recordType.getSimpleName() + " has no public static DEFAULTS");
    }

    private static long integral(String key, JsonNode node, String expected) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        double d;
        if (node.isNumber()) {
            d = node.doubleValue();
        } else if (node.isTextual()) {
            String text = node.textValue().trim();
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                d = parseDouble(key, node, expected);
            }
        } else {
            throw ConfigException.invalid(key, display(node), "expected " + expected);
        }
        // trlX configs write step counts such as T_max or total_steps as 1e12.
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw ConfigException.invalid(key, display(node), "expected " + expected);
        }
        return (long) d;
    }

    private static double number(String key, JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return parseDouble(key, node, "a number");
        }
        throw ConfigException.invalid(key, display(node), "expected a number");
    }

    private static double parseDouble(String key, JsonNode node, String expected) {
        try {
            return Double.parseDouble(node.textValue().trim());
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, display(node), "expected " + expected);
        }
    }

    private static Object enumValue(String key, JsonNode node, Class<?> enumType) {
        List<String> names = enumNames(enumType);
        if (node.isValueNode()) {
            String text = node.asText().trim().toLowerCase(Locale.ROOT);
            for (Object constant : enumType.getEnumConstants()) {
                if (configName((Enum<?>) constant).equals(text)) {
                    return constant;
                }
            }
        }
        throw ConfigException.invalid(key, display(node), "expected one of " + String.join(", ", names)
                + NearMiss.hint(node.asText(), names));
    }

    /** The YAML spelling of an enum constant: its name in lower case. */
    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    static List<String> enumNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> configName((Enum<?>) c)).toList();
    }

    /** A YAML value as plain, immutable Java values (for free-form maps). */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> out.put(e.getKey(), plain(e.getValue())));
            return Collections.unmodifiableMap(out);
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(plain(n)));
            return Collections.unmodifiableList(out);
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isInt()) {
            return node.intValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    /** The tree of a record: what {@link #bind} reads back into an equal record. */
    public static ObjectNode toTree(Record record) {
        ObjectNode out = NODES.objectNode();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            out.set(keyOf(c), toNode(read(c, record)));
        }
        return out;
    }

    static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Record r) {
            return toTree(r);
        }
        if (value instanceof Enum<?> e) {
            return NODES.textNode(configName(e));
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof List<?> list) {
            ArrayNode out = NODES.arrayNode();
            list.forEach(v -> out.add(toNode(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            map.forEach((k, v) -> out.set(String.valueOf(k), toNode(v)));
            return out;
        }
        return NODES.textNode(value.toString());
    }

    /** What a value looks like in a message: strings quoted, mappings and lists as flow YAML. */
    static Object display(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node; // a mapping or list, shown as flow JSON
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }
}
