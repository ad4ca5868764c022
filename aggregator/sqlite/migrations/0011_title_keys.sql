-- Titles are filed in merge_keys, under a hash of the title key (a
-- negative key; sketch keys are not), by the step of this migration that
-- SQL cannot do (fileTitleKeys). This index took a leaf at random for
-- every new entry; merge_keys is written in sorted batches.
DROP INDEX IF EXISTS entries_title_key; -- tests set user_version back and run it again
