package dev.gatehouse.problem;

import java.io.IOException;

/**
 * A JSON body that a resource read by hand (refresh and logout take an optional body) and Jackson
 * refused: carried to {@link ProblemMappers} unchanged, which answers as if the REST layer had read it.
 */
public final class JsonBodyException extends RuntimeException {

    public JsonBodyException(IOException cause) {
        super(cause);
    }
}
