"""Organisations (tenants) and their domains: the platform, in the public schema."""
