"""The demo behind ``complaintflow demo``: the seed-000 story (``story``) and a
simulated month of feedback through the whole desk (``simulation``, its office and
data).  Not part of the library's API; the core never imports it.
"""
