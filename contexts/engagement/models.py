"""Engagement data. Other contexts are referenced by UUID, never by foreign key."""
