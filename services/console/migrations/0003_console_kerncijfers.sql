-- The SER key figures on the overview count events of a few types in one calendar year, and look
-- up whether a fine has lapsed by its id: indexes so that stays cheap as the event log grows.

CREATE INDEX gebeurtenis_type_tijd ON gebeurtenis (type, tijd);
CREATE INDEX gebeurtenis_boete ON gebeurtenis (boete_id);
