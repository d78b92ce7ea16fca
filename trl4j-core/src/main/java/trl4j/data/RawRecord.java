package trl4j.data;

/** What a container reader yields: a row's fields, or why the row could not be read. */
public sealed interface RawRecord permits RawRow, BadRow {
    Location location();
}
