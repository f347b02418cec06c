"""Engagement's commands, one module per topic: notifications, timeline (activities, tasks),
health (score), loyalty. Each command joins the caller's transaction or opens its own."""
