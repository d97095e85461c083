-- A refund names the deposit it gives money back for; both live in one environment.
ALTER TABLE transactions ADD COLUMN parent_transaction_id text REFERENCES transactions (id);
CREATE INDEX transactions_parent ON transactions (parent_transaction_id) WHERE parent_transaction_id IS NOT NULL;
