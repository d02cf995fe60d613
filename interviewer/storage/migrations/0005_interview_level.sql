-- The level a candidate targets (pm, senior or staff): the outline and the grading bar
-- follow it. Interviews stored before it have none and read back as senior.
ALTER TABLE interviews ADD COLUMN level TEXT;
