"""A mail backend that fails the way a real SMTP server can, for the outbox tests."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Raises each exception of `failures` in turn, then delivers to the locmem outbox."""

    failures: list[Exception] = []
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)
