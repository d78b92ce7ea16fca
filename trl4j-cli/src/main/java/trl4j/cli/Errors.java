package trl4j.cli;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one-line messages and exit codes of the command line. */
final class Errors {

    /** Exit code of an error in the user's input (files, configs, arguments). */
    static final int USER_ERROR = 1;
    /** Exit code of a bug or an environment failure. */
    static final int INTERNAL_ERROR = 3;

    private Errors() {}

    static String describe(Throwable ex) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException nf) {
            return nf.getFile() + ": no such file";
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        // Native errors carry a C++ stack after the first line; the first line says what happened.
        int nl = msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        if (t instanceof IllegalArgumentException || t instanceof java.io.IOException) {
            return msg;
        }
        return msg + " (" + t.getClass().getSimpleName() + "; run with --debug for the stack trace)";
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException
                || ex instanceof java.io.IOException) {
            return USER_ERROR;
        }
        return INTERNAL_ERROR;
    }
}
