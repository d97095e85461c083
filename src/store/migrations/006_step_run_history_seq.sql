-- Where each script step run sits in its transaction's status history: the seq of the last status
-- change before it (0: none yet). It is the transaction's version when the run is stored, written
-- in the same statement as the changes the run caused. Deriving it from timestamps, as before, put
-- a run before the change that preceded it whenever both were stored within one millisecond.
ALTER TABLE transaction_step_runs ADD COLUMN after_history_seq integer;

-- Runs stored before this migration keep the timestamp-derived position they were shown with.
UPDATE transaction_step_runs s
   SET after_history_seq = coalesce((SELECT max(h.seq) FROM transaction_status_history h
                                      WHERE h.transaction_id = s.transaction_id AND h.created_at < s.created_at), 0);

ALTER TABLE transaction_step_runs ALTER COLUMN after_history_seq SET NOT NULL;
