-- Bearer tokens of the JSON API (`calcium user token LOGIN`). Keep it in step with
-- ../sqlite/0002_api_token.sql. Like sessions, only the SHA-256 of a token is stored.
CREATE TABLE api_token (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
