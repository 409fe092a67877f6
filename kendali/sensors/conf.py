"""Settings of the sensors module, read from the environment (typed, failing loudly)."""

from kendali import conf

# Raw readings older than this are purged by the retention job (rollups are kept), and
# readings older than this are refused at ingest so a re-sent reading cannot be counted
# twice in a rollup after its raw row was purged.
RAW_RETENTION_DAYS = conf.env_int("KENDALI_SENSORS_RAW_RETENTION_DAYS", 30, minimum=1)
# How far ahead of the server clock a reading time may be (device clocks drift).
FUTURE_TOLERANCE_SECONDS = conf.env_int("KENDALI_SENSORS_FUTURE_SECONDS", 300, minimum=0)
MAX_BATCH = 10_000
