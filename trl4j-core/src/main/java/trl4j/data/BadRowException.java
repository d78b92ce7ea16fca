package trl4j.data;

/** Thrown by schema adapters for a row they cannot use; the reading loop turns it into a {@link BadRow}. */
final class BadRowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final BadRowReason reason;

    BadRowException(BadRowReason reason, String detail) {
        super(detail, null, false, false); // a control-flow signal: no stack trace needed
        this.reason = reason;
    }

    BadRowReason reason() {
        return reason;
    }

    BadRow at(Location location) {
        return new BadRow(location, reason, getMessage());
    }
}
