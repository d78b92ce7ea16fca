package trl4j.checkpoint;

/**
 * A checkpoint or config file that trl4j cannot use as it is. The message names the file and, where
 * there is one, the tensor or config key, so that a user can act on it.
 */
public class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
