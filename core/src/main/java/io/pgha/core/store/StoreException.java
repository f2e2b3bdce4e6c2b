package io.pgha.core.store;

/** An etcd operation failed or did not answer within its timeout (retriable). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
