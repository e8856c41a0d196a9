package dev.uqabench.base;

/** An error the user can fix (bad file, option, key); the CLI prints its message and exits non-zero. */
public class UqaException extends RuntimeException {
    public UqaException(String message) { super(message); }
    public UqaException(String message, Throwable cause) { super(message, cause); }
}
