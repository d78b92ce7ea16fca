package trl4j.data.debian;

/**
 * A row of the debian-tldr dataset: {@code document} (a package's long description) → {@code summary}
 * (its one-line synopsis). {@code group} is the hash of the normalised first paragraph: packages
 * sharing it are one group and always land in the same split.
 */
public record DebianRow(String id, String packageName, String group, String document, String summary) {
    public DebianRow {
        for (String[] f : new String[][] {{"id", id}, {"package", packageName}, {"group", group},
                {"document", document}, {"summary", summary}}) {
            if (f[1] == null || f[1].isBlank()) {
                throw new IllegalArgumentException("debian-tldr row needs a non-empty " + f[0]);
            }
        }
    }
}
