package dev.gatehouse.client;

/** The default {@link TokenStore}: the tokens live only as long as the process (signed out after a restart). */
public final class MemoryTokenStore implements TokenStore {

    private volatile Tokens tokens;

    @Override
    public Tokens load() {
        return tokens;
    }

    @Override
    public void save(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void clear() {
        tokens = null;
    }
}
