"""The application service a host calls: :class:`ComplaintDesk`, its follow-ups
(customer notifications, the next SLA due time), the SLA sweep and outbox delivery.

It depends on the storage *protocol* only, never on a concrete adapter.
"""
