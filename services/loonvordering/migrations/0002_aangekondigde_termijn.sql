-- The next term last announced to the filer, beside the liable parties last announced: a fact that
-- moves only the next term (e.g. a claim on an intermediate level under lid 4) is announced too.
ALTER TABLE vordering ADD COLUMN volgende_termijn jsonb;
