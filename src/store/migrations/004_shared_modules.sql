-- The shared modules (by import specifier, e.g. "./common.js") a script version was built with:
-- a target's action scripts share their gateway helpers, and each version keeps its own copy.
ALTER TABLE flow_definition_versions ADD COLUMN modules jsonb NOT NULL DEFAULT '{}';
