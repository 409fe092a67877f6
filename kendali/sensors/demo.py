"""Demo devices (placeholder replaced below)."""


def seed(*, actor) -> None:
    return None
