-- One open inspection per employer, also with several replicas of the service: the first signal
-- about an employer creates it, every later one (on any replica) must find it and add to it.
-- Replaces the plain index of 0001 on the same rows.
DROP INDEX IF EXISTS inspectie_open_per_werkgever;
CREATE UNIQUE INDEX inspectie_een_open_per_werkgever ON inspectie (werkgever_kvk) WHERE status IN ('gepland', 'wachtend');
