-- 0002: every submission keeps a packed copy of its input values, written
-- in the same transaction as the values (assessment/sqlite pack.go), so
-- loading a period's dataset reads one row per unit instead of one per
-- value (3,500 units × 100 inputs). Format per value, concatenated:
-- indicator US input US number US byte-length ':' text (US = char(31),
-- number empty when NULL).
ALTER TABLE submissions ADD COLUMN values_packed BLOB NOT NULL DEFAULT '';

UPDATE submissions SET values_packed = COALESCE((
	SELECT group_concat(
		v.indicator || char(31) || v.input || char(31) ||
		CASE WHEN v.num IS NULL THEN '' ELSE printf('%!.17g', v.num) END || char(31) ||
		length(CAST(v.text AS BLOB)) || ':' || v.text, '')
	FROM input_values v WHERE v.submission_id = submissions.id), '');
