"""SMS channels for one-time codes. Each backend is a class with ``send(*, to, message)``;
``KENDALI_WIFI_SMS_BACKEND`` picks one (default: the log)."""
