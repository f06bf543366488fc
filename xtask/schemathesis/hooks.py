"""Hooks the API gate loads (SCHEMATHESIS_HOOKS=hooks, see run.py).

A PDF body (the CERFA a party deposits in saisie simple, a formation's annex) is sent as the raw
bytes schemathesis generates for a binary string, as it sends application/octet-stream: the
server must then refuse them (not a whole PDF), never fail.
"""

import schemathesis

schemathesis.serializer.alias("application/pdf", "application/octet-stream")
