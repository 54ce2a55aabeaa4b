-- The SER key figures on the overview count events of a few types in one calendar year (and the
-- lapsed fines of any year): an index so that stays cheap as the event log grows.

CREATE INDEX gebeurtenis_type_tijd ON gebeurtenis (type, tijd);
