package trl4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The golden GPT-2 tokenizer with a TemplateProcessing post-processor that adds {@code <|endoftext|>}
 * ({@link #SPECIAL}) before a text (standing in for Llama's {@code <s>}) or after it (T5's {@code </s>}).
 */
public final class TemplateTokenizers {

    public static final long SPECIAL = 50256;

    private TemplateTokenizers() {}

    /** Writes the tokenizer folder into {@code dir} and returns it. */
    public static Path withTemplate(Path dir, boolean before) throws IOException {
        Path source = Golden.model("gpt2-text");
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"}) {
            Files.copy(source.resolve(f), dir.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode t = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        String special = "{\"SpecialToken\": {\"id\": \"<|endoftext|>\", \"type_id\": 0}}";
        String sequence = "{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}";
        String single = before ? "[" + special + ", " + sequence + "]" : "[" + sequence + ", " + special + "]";
        t.set("post_processor", json.readTree("{\"type\": \"TemplateProcessing\", \"single\": " + single + ", \"pair\": " + single
                + ", \"special_tokens\": {\"<|endoftext|>\": {\"id\": \"<|endoftext|>\", \"ids\": [50256], \"tokens\": [\"<|endoftext|>\"]}}}"));
        json.writeValue(dir.resolve("tokenizer.json").toFile(), t);
        return dir;
    }
}
