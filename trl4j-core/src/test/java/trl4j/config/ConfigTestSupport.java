package trl4j.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

final class ConfigTestSupport {

    private ConfigTestSupport() {}

    static ConfigException fails(Executable e) {
        return assertThrows(ConfigException.class, e);
    }
}
