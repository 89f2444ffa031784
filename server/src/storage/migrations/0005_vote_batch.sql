-- The vote path's group commit as one function (issue 4; src/modules/polls/vote-batch.ts explains the
-- rules). One call is one statement: outside a transaction, one round trip with its commit. Written as
-- PL/pgSQL because PL/pgSQL keeps its query plan for the connection: the same statement sent as text
-- is planned on every call (~2 ms in the embedded database, more than the write itself).
--
-- `batch` is a JSON array of votes: poll_id, round, participant_id, value, client_msg_id,
-- allow_change, cast_at (epoch ms). One row comes back per vote, in order: the poll's status (null:
-- no such poll), whether the vote was valid (open poll, its round, before the deadline), whether this
-- call wrote it, and the participant's stored answer as the call began.
CREATE OR REPLACE FUNCTION handsup_write_votes(batch jsonb)
RETURNS TABLE (poll_status text, is_open boolean, is_written boolean, stored_msg_id text, stored_value jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  -- The commit of the calling transaction waits for its WAL flush, whatever the server's default.
  PERFORM set_config('synchronous_commit', 'on', true);
  RETURN QUERY
    WITH v AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(batch) AS (
        poll_id uuid, round int, participant_id uuid, value jsonb, client_msg_id text, allow_change boolean,
        cast_at float8)) WITH ORDINALITY AS v(poll_id, round, participant_id, value, client_msg_id,
        allow_change, cast_at, i)
    ),
    p AS (
      SELECT p.id, p.status, p.round, (extract(epoch from p.closes_at) * 1000)::float8 AS closes_at_ms
      FROM polls p
      WHERE p.deleted_at IS NULL AND p.id IN (SELECT poll_id FROM v)
      ORDER BY p.id FOR SHARE OF p
    ),
    ok AS (
      SELECT v.* FROM v JOIN p ON p.id = v.poll_id
      WHERE p.status = 'open' AND p.round = v.round AND (p.closes_at_ms IS NULL OR v.cast_at < p.closes_at_ms)
    ),
    changed AS (
      INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id)
      SELECT poll_id, round, participant_id, value, client_msg_id FROM ok WHERE allow_change
      ON CONFLICT (poll_id, round, participant_id) DO UPDATE
        SET value = EXCLUDED.value, client_msg_id = EXCLUDED.client_msg_id, updated_at = now()
        WHERE responses.client_msg_id <> EXCLUDED.client_msg_id
      RETURNING poll_id, round, participant_id
    ),
    added AS (
      INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id)
      SELECT poll_id, round, participant_id, value, client_msg_id FROM ok WHERE NOT allow_change
      ON CONFLICT (poll_id, round, participant_id) DO NOTHING
      RETURNING poll_id, round, participant_id
    ),
    w AS (SELECT * FROM changed UNION ALL SELECT * FROM added)
    SELECT p.status, ok.i IS NOT NULL, w.participant_id IS NOT NULL, r.client_msg_id, r.value
    FROM v
    LEFT JOIN p ON p.id = v.poll_id
    LEFT JOIN ok ON ok.i = v.i
    LEFT JOIN w ON w.poll_id = v.poll_id AND w.round = v.round AND w.participant_id = v.participant_id
    LEFT JOIN responses r ON r.poll_id = v.poll_id AND r.round = v.round AND r.participant_id = v.participant_id
    ORDER BY v.i;
END;
$$;
