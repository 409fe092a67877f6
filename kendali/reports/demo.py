"""Demo reports: filled in below."""


def seed(*, actor) -> None:
    return None
