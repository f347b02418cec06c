"""Staff users of a tenant (and platform admins in the public schema)."""
