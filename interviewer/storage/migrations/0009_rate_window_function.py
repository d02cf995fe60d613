"""PostgreSQL: the rate-limit window in one statement. The function takes the client's
advisory lock, drops what fell out of the window, counts what is left and records the
request if allowed, all in the statement's own transaction: one round trip where the same
steps sent from Python took six (BEGIN, lock, delete, count, insert, COMMIT). It takes the
same lock as those steps, so processes of either version still serialise on one client.
SQLite, in the app's own process, keeps running the steps from Python.
"""

from yoyo import step

__transactional__ = True

FUNCTION = """
CREATE OR REPLACE FUNCTION rate_window_take(p_client TEXT, p_limit BIGINT,
    p_now DOUBLE PRECISION, p_window DOUBLE PRECISION, p_sweep BOOLEAN)
RETURNS INTEGER LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n BIGINT;
    oldest DOUBLE PRECISION;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('rate:' || p_client, 0));
    IF p_sweep THEN  -- now and then: clients that went quiet leave no rows behind
        DELETE FROM rate_events WHERE at <= p_now - p_window;
    ELSE
        DELETE FROM rate_events WHERE client = p_client AND at <= p_now - p_window;
    END IF;
    SELECT COUNT(*), MIN(at) INTO n, oldest FROM rate_events WHERE client = p_client;
    IF n >= p_limit THEN  -- whole seconds until the oldest request leaves the window
        RETURN GREATEST(1, CEIL(oldest + p_window - p_now)::INTEGER);
    END IF;
    INSERT INTO rate_events (client, at) VALUES (p_client, p_now);
    RETURN NULL;
END
$$
"""


def dialect(conn):
    return "sqlite" if type(conn).__module__.startswith("sqlite3") else "postgresql"


def apply(conn):
    if dialect(conn) == "postgresql":
        conn.cursor().execute(FUNCTION)


def rollback(conn):
    if dialect(conn) == "postgresql":
        conn.cursor().execute("DROP FUNCTION IF EXISTS rate_window_take")


steps = [step(apply, rollback)]
