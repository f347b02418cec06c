"""Engagement: notifications, activities and tasks, client timeline, dashboards and reports, loyalty."""
