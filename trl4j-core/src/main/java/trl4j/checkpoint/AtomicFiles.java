package trl4j.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe writes: data goes to a temporary file beside the target, is fsynced, then renamed over
 * the target in one atomic step, and the directory entry is fsynced. A reader (or a resumed run after
 * kill -9) sees either the old file or the new one, never half of one.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Something that writes the whole content of a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes a file atomically. */
    public static void write(Path target, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.io.BufferedOutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
                content.writeTo(out);
                out.flush(); // not close(): the channel is closed below, after fsync
                ch.force(true);
            }
            moveAtomically(tmp, target);
            fsyncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Writes a UTF-8 text file atomically. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Copies a file atomically (the target appears whole or not at all). */
    public static void copy(Path source, Path target) {
        write(target, out -> Files.copy(source, out));
    }

    /**
     * Publishes a fully written directory under its final name: {@code staging} is renamed to
     * {@code target} in one step. An existing target is first moved aside and deleted after the swap,
     * so a crash leaves either the old or the new directory under the final name.
     */
    public static void publishDirectory(Path staging, Path target) {
        try {
            fsyncTree(staging);
            Path parent = target.toAbsolutePath().getParent();
            if (Files.exists(target)) {
                Path old = parent.resolve("." + target.getFileName() + ".old-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
                moveAtomically(target, old);
                moveAtomically(staging, target);
                fsyncDirectory(parent);
                deleteRecursively(old);
            } else {
                moveAtomically(staging, target);
                fsyncDirectory(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + target + ": " + e.getMessage(), e);
        }
    }

    /** A fresh hidden staging directory beside {@code target}, for {@link #publishDirectory}. */
    public static Path stagingDirectoryFor(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            return Files.createDirectory(parent.resolve("." + target.getFileName() + ".staging-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging directory for " + target, e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsyncTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) {
                fsyncDirectory(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** fsync of a directory makes a rename durable; not every platform allows it, so failure is ignored. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort (e.g. not supported on this file system)
        }
    }

    /** Deletes a file or directory tree if it exists. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    try {
                        Files.deleteIfExists(d);
                    } catch (DirectoryNotEmptyException ignored) {
                        // a concurrent writer; leave it
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // cleanup of a temporary file; the original error matters more
        }
    }
}
