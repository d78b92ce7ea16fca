package trl4j.data;

/** What to do with a bad row: skip it and count it (default), or stop at the first one. */
public enum BadRowPolicy {
    SKIP,
    FAIL
}
