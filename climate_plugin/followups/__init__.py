"""Follow-ups of assessments' indicators (checklist question X5): made from the preparer's answer, a task
and a reminder for the climate coordinator, and a result that feeds the commitment and badge rules."""
