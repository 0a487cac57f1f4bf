"""complaintflow: the lifecycle of customer complaints and feedback."""
