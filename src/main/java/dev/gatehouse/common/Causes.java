package dev.gatehouse.common;

/** Looks through wrapped exceptions (transactions, JDBC and REST each add a layer). */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code type} is anywhere in the cause chain of {@code e}. */
    public static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
