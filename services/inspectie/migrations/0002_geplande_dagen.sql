-- One plan fits around the visits already planned per day: count them without reading the region.
CREATE INDEX inspectie_gepland_per_regio_dag ON inspectie (regio, gepland_op) WHERE status = 'gepland';
