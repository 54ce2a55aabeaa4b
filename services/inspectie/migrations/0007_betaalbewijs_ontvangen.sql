-- The Dutch day a proof of back pay was received: only a proof received within the back-pay window
-- counts for it (domain/sancties.tijdige_bewijzen). Proofs stored before keep NULL: only their
-- payment day is known.
ALTER TABLE betaalbewijs ADD COLUMN ontvangen_op date;
