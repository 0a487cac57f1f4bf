"""Integrations with the engines hosts already run; each needs its extra.

Nothing here is imported by ``import complaintflow``: a host imports the
one it uses (``complaintflow.contrib.celery`` needs ``complaintflow[celery]``).
"""
