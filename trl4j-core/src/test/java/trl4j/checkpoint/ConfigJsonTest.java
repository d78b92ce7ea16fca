package trl4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.testing.Golden;

class ConfigJsonTest {

    @Test
    void floatsAreWrittenAsPythonWritesThem() {
        assertEquals("1e-06", ConfigJson.pythonFloat(1e-6));
        assertEquals("1e-05", ConfigJson.pythonFloat(1e-5));
        assertEquals("0.0001", ConfigJson.pythonFloat(1e-4));
        assertEquals("0.02", ConfigJson.pythonFloat(0.02));
        assertEquals("1.0", ConfigJson.pythonFloat(1.0));
        assertEquals("10000.0", ConfigJson.pythonFloat(10000.0));
        assertEquals("1e+16", ConfigJson.pythonFloat(1e16));
        assertEquals("-2.5e-07", ConfigJson.pythonFloat(-2.5e-7));
        assertEquals("0.1", ConfigJson.pythonFloat(0.1));
    }

    @Test
    void savedConfigIsByteIdenticalToTransformers(@TempDir Path tmp) throws Exception {
        for (String model : new String[] {"gpt2", "llama", "qwen2"}) {
            Path golden = Golden.model(model).resolve("config.json");
            String text = ConfigJson.toHfJson(ConfigJson.read(golden).json());
            assertEquals(Files.readString(golden).strip(), text.strip(), model);
        }
    }

    @Test
    void errorsNameTheFileAndKey(@TempDir Path tmp) throws Exception {
        Path p = tmp.resolve("config.json");
        Files.writeString(p, "{\"n_embd\": \"wide\", \"mystery\": 1}");
        ConfigJson c = ConfigJson.read(p);
        var e = assertThrows(CheckpointException.class, () -> c.getInt("n_embd", 1));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'n_embd'"), e.getMessage());
        var u = assertThrows(CheckpointException.class, () -> c.rejectUnread(Set.of()));
        assertTrue(u.getMessage().contains("'mystery'"), u.getMessage());
        Files.writeString(p, "{\"a\": 1,,}");
        var j = assertThrows(CheckpointException.class, () -> ConfigJson.read(p));
        assertTrue(j.getMessage().contains("not valid JSON"), j.getMessage());
    }
}
