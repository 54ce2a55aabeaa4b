import sys

from services.deling.app import SLEUTEL, service

MIN_KEY_BYTES = 16  # the local stack and `deploy/docker/make_secrets.py` make 32 random characters

if len(SLEUTEL) < MIN_KEY_BYTES:
    sys.exit(
        "deling: WAARDIGWERK_PSEUDONYM_KEY is not set or shorter than "
        f"{MIN_KEY_BYTES} bytes; set a secret key of your own (it keys every recipient's pseudonyms)"
    )
service.run()
